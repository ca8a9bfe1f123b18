/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <optional>
#include <string>

#include "base/result.h"
#include "modules/module_api.h"
#include "modules/module_handle.h"

namespace primecam {

/*
 * The back-end modules of this process, each loaded on first use (a config,
 * `list` or the doctor asking for it) and kept until exit.
 *
 * Where they are: $PRIMECAM_MODULE_DIR when set; else, when the program runs
 * from its build tree, the tree's modules/ folder; else the installed
 * <libdir>/primecam, found from the program's own folder (so that an
 * installed tree that moved, a DESTDIR, still finds its own). A module that is absent or does not
 * load gives one error naming the module, dlerror()'s text and the Debian package of the library it
 * needs; it is tried once, and the error is kept.
 */
class ModuleRegistry
{
public:
	/* The process's registry. */
	static ModuleRegistry &instance();

	Result<const LibcameraBackend *> libcamera();
	Result<const GlBackend *> gl();
	Result<const GlWindowBackend *> glWindow();
	Result<const Libv4l2Backend *> libv4l2();

	/* `primecam list`: each back end this build has, and whether it
	 * loaded (loading each), one line each. */
	std::string describe();

	/* Where modules are looked for. */
	static std::string directory();

private:
	enum Index {
		Libcamera,
		Egl,
		Glfw,
		Libv4l2,
		Count
	};

	struct Slot {
		bool tried = false;
		std::optional<ModuleHandle> handle;
		const ModuleEntry *entry = nullptr;
		std::optional<Error> error;
	};

	ModuleRegistry() = default;
	Result<const ModuleEntry *> load(Index index);

	std::array<Slot, Count> slots_;
};

} /* namespace primecam */

/* SPDX-License-Identifier: MIT */
#include "modules/module_registry.h"

#include <cerrno>
#include <climits>
#include <cstdlib>

#include <unistd.h>

#include "modules/library_environment.h"
#include "modules/module_paths.h"

namespace primecam {

namespace {

/* What each module is, for messages. The order is ModuleRegistry::Index. */
struct ModuleSpec {
	const char *name;  /* file primecam-<name>.so, Meson feature <name> */
	const char *what;  /* what a user asked for that needs it */
	const char *needs; /* its libraries and their Debian packages */
};

constexpr ModuleSpec kSpecs[] = {
	{"libcamera", "the libcamera source", "libcamera (Debian package libcamera0.0.3)"},
	{"egl", "the gl-headless and gl-kms sinks",
	 "EGL, GLESv2 and GBM (Debian packages libegl1, libgles2, libgbm1)"},
	{"glfw", "the gl-window sink",
	 "GLFW, EGL, GLESv2 and GBM (Debian packages libglfw3, libegl1, libgles2, libgbm1)"},
	{"libv4l2", "the libv4l2 source, memory = \"libv4l2\"",
	 "libv4l2 (Debian package libv4l-0)"},
};

bool built(const char *name)
{
	/* PRIMECAM_BUILT_MODULES: " egl glfw " */
	return std::string(PRIMECAM_BUILT_MODULES).find(" " + std::string(name) + " ") !=
	       std::string::npos;
}

std::string executablePath()
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	return n > 0 ? std::string(path, static_cast<size_t>(n)) : std::string();
}

template<typename T>
Result<const T *> backend(Result<const ModuleEntry *> entry, const T *ModuleEntry::*member)
{
	if (!entry)
		return std::move(entry).error();
	return (*entry)->*member;
}

} /* namespace */

ModuleRegistry &ModuleRegistry::instance()
{
	static ModuleRegistry registry;
	return registry;
}

std::string ModuleRegistry::directory()
{
	const char *override = getenv("PRIMECAM_MODULE_DIR");
	if (override && *override)
		return override;
	/* A program in the build tree takes the modules built with it, not
	 * an installed (older) set. */
	const std::string root = PRIMECAM_BUILD_ROOT "/";
	std::string exe = executablePath();
	if (exe.starts_with(root))
		return PRIMECAM_BUILD_MODULE_DIR;
#ifdef PRIMECAM_MODULE_DIR_FROM_BINDIR
	/* Beside the program wherever the installed tree now is. */
	size_t slash = exe.rfind('/');
	if (slash != std::string::npos)
		return exe.substr(0, slash + 1) + PRIMECAM_MODULE_DIR_FROM_BINDIR;
#endif
	return PRIMECAM_INSTALL_MODULE_DIR;
}

Result<const ModuleEntry *> ModuleRegistry::load(Index index)
{
	const ModuleSpec &spec = kSpecs[index];
	Slot &slot = slots_[index];
	if (slot.tried)
		return slot.entry ? Result<const ModuleEntry *>(slot.entry)
				  : Result<const ModuleEntry *>(*slot.error);
	slot.tried = true;

	const std::string name = spec.name;
	if (!built(spec.name)) {
		slot.error = Error{ENOTSUP, std::string(spec.what) +
						    " is unavailable: this primecam was built "
						    "without its module (Meson feature " +
						    name + ": meson setup -D" + name + "=enabled)"};
		return *slot.error;
	}

	prepareLibraryEnvironment(name);
	const std::string path = directory() + "/primecam-" + name + ".so";
	const std::string prefix = "the " + name + " module (" + spec.what + ") did not load: ";
	Result<ModuleHandle> handle = ModuleHandle::open(path);
	if (!handle) {
		slot.error =
			Error{ENOENT, prefix + handle.error().message + "; it needs " + spec.needs};
		return *slot.error;
	}
	std::string why;
	using EntryFn = const ModuleEntry *(*)();
	auto fn = reinterpret_cast<EntryFn>(handle->symbol(PRIMECAM_MODULE_ENTRY, &why));
	const ModuleEntry *entry = fn ? fn() : nullptr;
	if (!entry) {
		slot.error =
			Error{ENOEXEC, prefix + (why.empty() ? path + ": no module entry" : why)};
		return *slot.error;
	}
	if (entry->abiVersion != kModuleAbiVersion || name != entry->name) {
		slot.error = Error{
			ENOEXEC,
			prefix + path + " is module \"" + entry->name + "\" of interface version " +
				std::to_string(entry->abiVersion) + ", this primecam needs \"" +
				name + "\" of version " + std::to_string(kModuleAbiVersion) +
				": install primecam and its modules from one build"};
		return *slot.error;
	}
	slot.handle = std::move(*handle);
	slot.entry = entry;
	return entry;
}

Result<const LibcameraBackend *> ModuleRegistry::libcamera()
{
	return backend(load(Libcamera), &ModuleEntry::libcamera);
}

Result<const GlBackend *> ModuleRegistry::gl()
{
	return backend(load(Egl), &ModuleEntry::gl);
}

Result<const GlWindowBackend *> ModuleRegistry::glWindow()
{
	return backend(load(Glfw), &ModuleEntry::glWindow);
}

Result<const Libv4l2Backend *> ModuleRegistry::libv4l2()
{
	return backend(load(Libv4l2), &ModuleEntry::libv4l2);
}

std::string ModuleRegistry::describe()
{
	std::string text = "modules from " + directory() + "\n";
	for (int i = 0; i < Count; ++i) {
		const ModuleSpec &spec = kSpecs[i];
		text += std::string(spec.name) + " (" + spec.what + "): ";
		if (!built(spec.name)) {
			text += "not built\n";
			continue;
		}
		Result<const ModuleEntry *> entry = load(static_cast<Index>(i));
		text += entry ? "loaded\n" : "built, not loaded: " + entry.error().message + "\n";
	}
	return text;
}

} /* namespace primecam */

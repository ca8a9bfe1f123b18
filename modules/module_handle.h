/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/result.h"

namespace primecam {

/*
 * One dlopen() handle: opened with RTLD_NOW, so that a library the module
 * needs and cannot have fails here, with dlerror()'s text, rather than in
 * the middle of a run at its first call; RTLD_LOCAL, so that one module's
 * libraries do not satisfy another's symbols by accident; and RTLD_NODELETE:
 * the destructor's dlclose() drops the reference but never unmaps the code,
 * because what a module loads keeps running after the last call into it
 * (lttng-ust's listener threads under libcamera, Mesa's driver and its
 * atexit handlers), and unmapping code that runs crashes at exit.
 * Move-only.
 */
class ModuleHandle
{
public:
	/* The error's message is dlerror()'s text. */
	static Result<ModuleHandle> open(const std::string &path);

	ModuleHandle(ModuleHandle &&other) noexcept;
	ModuleHandle &operator=(ModuleHandle &&other) noexcept;
	ModuleHandle(const ModuleHandle &) = delete;
	ModuleHandle &operator=(const ModuleHandle &) = delete;
	~ModuleHandle();

	/* dlsym(); nullptr with the reason in *why when absent. */
	void *symbol(const char *name, std::string *why) const;
	const std::string &path() const { return path_; }

private:
	ModuleHandle(void *handle, std::string path) : handle_(handle), path_(std::move(path)) {}
	void reset();

	void *handle_ = nullptr;
	std::string path_;
};

} /* namespace primecam */

/* SPDX-License-Identifier: MIT */
#include "modules/module_handle.h"

#include <cerrno>

#include <dlfcn.h>

namespace primecam {

Result<ModuleHandle> ModuleHandle::open(const std::string &path)
{
	void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!handle) {
		const char *why = dlerror();
		return Error{ENOENT, why ? why : path + ": dlopen failed"};
	}
	return ModuleHandle(handle, path);
}

ModuleHandle::ModuleHandle(ModuleHandle &&other) noexcept
	: handle_(std::exchange(other.handle_, nullptr)), path_(std::move(other.path_))
{}

ModuleHandle &ModuleHandle::operator=(ModuleHandle &&other) noexcept
{
	if (this != &other) {
		reset();
		handle_ = std::exchange(other.handle_, nullptr);
		path_ = std::move(other.path_);
	}
	return *this;
}

ModuleHandle::~ModuleHandle()
{
	reset();
}

void ModuleHandle::reset()
{
	if (handle_)
		dlclose(handle_);
	handle_ = nullptr;
}

void *ModuleHandle::symbol(const char *name, std::string *why) const
{
	dlerror();
	void *address = dlsym(handle_, name);
	if (!address && why) {
		const char *text = dlerror();
		*why = text ? text : std::string(name) + ": not found in " + path_;
	}
	return address;
}

} /* namespace primecam */

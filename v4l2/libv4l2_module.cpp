/* SPDX-License-Identifier: MIT */
/* primecam-libv4l2.so: the libv4l2 compatibility source, loaded only for a
 * config with memory = "libv4l2". */
#include "modules/module_api.h"
#include "v4l2/libv4l2_source.h"

namespace primecam {
namespace {

class Libv4l2Module final : public Libv4l2Backend
{
public:
	std::unique_ptr<Source> makeSource(const CaptureConfig &config,
					   std::optional<BufferAllocator> allocator) const override
	{
		return std::make_unique<Libv4l2Source>(config, std::move(allocator));
	}
};

const Libv4l2Module backend;
const ModuleEntry entry{kModuleAbiVersion, "libv4l2", nullptr, nullptr, nullptr, &backend};

} /* namespace */
} /* namespace primecam */

extern "C" __attribute__((visibility("default"))) const primecam::ModuleEntry *
primecam_module_entry()
{
	return &primecam::entry;
}

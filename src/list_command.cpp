/* SPDX-License-Identifier: MIT */
#include "src/list_command.h"

#include <cstdio>
#include <string>
#include <vector>

#include "base/device_nodes.h"
#include "drm/card.h"
#include "drm/card_report.h"
#include "modules/module_registry.h"
#include "v4l2/device_report.h"
#include "v4l2/m2m_node.h"

namespace primecam {

namespace {

/* /dev/dri/card* in numeric order (card10 after card9). */
std::vector<std::string> cardPaths()
{
	std::vector<std::string> paths;
	for (DeviceNode &node : listDeviceNodes("drm", "card", "dri"))
		paths.push_back(std::move(node.path));
	return paths;
}

void print(const std::string &text)
{
	fwrite(text.data(), 1, text.size(), stdout);
	if (!text.empty() && text.back() != '\n')
		fputc('\n', stdout);
}

} /* namespace */

int listCommand()
{
	int status = 0;
	print("V4L2 capture nodes\n==================\n");
	print(describeVideoNodes());
	print("\nV4L2 mem2mem devices (m2m stages)\n=================================\n");
	print(describeM2mNodes());

	ModuleRegistry &modules = ModuleRegistry::instance();
	print("\nlibcamera cameras\n=================\n");
	Result<const LibcameraBackend *> libcamera = modules.libcamera();
	print(libcamera ? (*libcamera)->describeCameras() : libcamera.error().message + "\n");

	print("\nDRM cards\n=========\n");
	std::vector<std::string> paths = cardPaths();
	if (paths.empty())
		print("no DRM cards (/dev/dri/card*)\n");
	for (const std::string &path : paths) {
		/* For buffers: listing must not take the display from anyone. */
		Result<Card> card = Card::open(path, Card::Role::Buffers);
		Result<std::string> text =
			card ? describeCard(*card) : Result<std::string>(card.error());
		/* EOPNOTSUPP from the client caps: the driver has no modesetting
		 * (vgem, a render-only GPU). A buffer provider, not a failure. */
		if (!text && card && text.error().code == EOPNOTSUPP) {
			print(card->describe() + ": no display (the driver has no modesetting); " +
			      "usable for buffers only\n");
			continue;
		}
		if (!text) {
			print(path + ": " + text.error().message + "\n");
			status = 1;
			continue;
		}
		print(*text);
	}

	print("\nEGL (GL sinks)\n==============\n");
	/* GBM over every card, then surfaceless: where a GL sink can render,
	 * with what, and whether it can import dma-bufs. */
	Result<const GlBackend *> gl = modules.gl();
	print(gl ? (*gl)->describeDisplays(paths) : gl.error().message + "\n");

	/* Last: every module has been asked for by now, or is tried here. */
	print("\nBack ends\n=========\n");
	print(modules.describe());
	fflush(stdout);
	return status;
}

} /* namespace primecam */

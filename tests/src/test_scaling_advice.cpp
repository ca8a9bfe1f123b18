/* SPDX-License-Identifier: MIT */
#include <string>
#include <vector>

#include <drm_fourcc.h>
#include <gtest/gtest.h>

#include "src/scaling_advice.h"

using namespace primecam;

namespace {

ScalingNeed need(const char *format, std::vector<uint32_t> planeFormats)
{
	return {formatByName(format), 320, 180, 640, 360, std::move(planeFormats)};
}

size_t at(const std::string &text, const std::string &part)
{
	size_t pos = text.find(part);
	EXPECT_NE(pos, std::string::npos) << "no \"" << part << "\" in: " << text;
	return pos;
}

} /* namespace */

TEST(ScalingAdvice, NamesAMem2memScalerFirstThenGlThenTheCpu)
{
	const M2mScaler vim2m{"vim2m", "/dev/video2", formatByName("RGB565")};
	const std::string text = scalingAdviceText(
		need("BGR888", {DRM_FORMAT_XRGB8888, DRM_FORMAT_RGB565}), {&vim2m, 1});
	size_t m2m = at(text, "[[stage]] type = \"m2m\" device = \"vim2m\" format = \"RGB565\" "
			      "width = 640 height = 360 (/dev/video2, a mem2mem device");
	size_t gl = at(text, "a gl-kms sink in place of this one");
	/* BGR888 is no plane's format: the CPU stage converts as it scales. */
	size_t cpu = at(text, "[[stage]] type = \"scale\" format = \"XRGB8888\" width = 640 "
			      "height = 360 (libyuv on the CPU: one pass per frame, counted as a "
			      "conversion)");
	EXPECT_LT(m2m, gl);
	EXPECT_LT(gl, cpu);
	EXPECT_EQ(text.find("no mem2mem device"), std::string::npos) << text;
}

TEST(ScalingAdvice, SaysWhenNoMem2memDeviceCanAndKeepsAFormatThePlaneTakes)
{
	const std::string text = scalingAdviceText(need("XRGB8888", {DRM_FORMAT_XRGB8888}), {});
	at(text, "What would scale XRGB8888 320x180 to 640x360 instead: no mem2mem device on "
		 "this machine reads XRGB8888 320x180 and writes a format this plane takes at "
		 "640x360");
	at(text, "[[stage]] type = \"scale\" width = 640 height = 360");
}

TEST(ScalingAdvice, NoCpuStageWhenNothingTheConverterWritesIsTakenByThePlane)
{
	const std::string text = scalingAdviceText(need("XRGB8888", {DRM_FORMAT_XRGB16161616}), {});
	EXPECT_EQ(text.find("type = \"scale\""), std::string::npos) << text;
	at(text, "a gl-kms sink");
}

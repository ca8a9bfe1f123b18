/* SPDX-License-Identifier: MIT */
#include <gtest/gtest.h>

#include "drm/card.h"
#include "drm/card_report.h"
#include "tests/vm/device/device_test.h"

using namespace primecam;

TEST(KmsCardReport, ListsConnectorsCrtcsPlanesAndWriteback)
{
	auto card = Card::openByDriver("vkms");
	PRIMECAM_NEED_DEVICE(card.ok(), "the vkms card");

	auto report = describeCard(*card);
	ASSERT_TRUE(report.ok()) << report.error().message;
	const std::string &text = *report;
	std::printf("%s", text.c_str());
	for (const char *expected :
	     {"(vkms)", "Virtual-1 (id ", "connected", "1024x768@60 (preferred)", "640x480@60",
	      "Writeback-1 (id ", "formats XRGB8888", "CRTC ", "(primary)", "(overlay)", "(cursor)",
	      "ARGB8888", "RGB565", "LINEAR"})
		EXPECT_NE(text.find(expected), std::string::npos)
			<< "'" << expected << "' missing from:\n"
			<< text;
	EXPECT_EQ(text.find("????"), std::string::npos) << "an unnamed format:\n" << text;
}

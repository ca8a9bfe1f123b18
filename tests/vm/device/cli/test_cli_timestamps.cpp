/* SPDX-License-Identifier: MIT */
#include <chrono>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <linux/videodev2.h>
#include <nlohmann/json.hpp>

#include "tests/vm/device/cli/cli_test_helpers.h"
#include "tests/vm/device/device_test.h"

namespace primecam {
namespace {

using namespace std::chrono_literals;

TEST(CliTimestamps, VividsWrappedTimestampsAreLeftOutOfLatencyNeverNegative)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE), "a vivid capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	/* vivid keeps a control's value after the run: whatever happens
	 * below, the node goes back to its own clock for the tests after. */
	struct Unwrap {
		~Unwrap()
		{
			Program off(
				"wrap-timestamp-off",
				{"run",
				 demoWith("wrap-off", "[source.controls]", "wrap_timestamp = 0\n"),
				 "--frames", "5", "--stats", outDir() + "/wrap-off.json"});
			EXPECT_EQ(off.wait(120s), 0) << off.err();
			/* And its latency is measured again. */
			nlohmann::json doc = readJson(outDir() + "/wrap-off.json");
			EXPECT_GT(doc["sinks"][0]["latency_ms"]["count"].get<uint64_t>(), 0u)
				<< doc.dump(2);
			EXPECT_EQ(doc["timestamps_untrusted"]["total"], 0) << doc.dump(2);
		}
	} unwrap;

	/* "Wrap Timestamp": capture times 16 s before tv_sec's 32-bit wrap,
	 * about 136 years ahead of this VM's clock. */
	std::string stats = outDir() + "/wrap-timestamp.json";
	Program run("wrap-timestamp",
		    {"run", demoWith("wrap-on", "[source.controls]", "wrap_timestamp = 1\n"),
		     "--frames", "20", "--stats", stats});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(120s), 0) << run.err();

	nlohmann::json doc = readJson(stats);
	const nlohmann::json &untrusted = doc["timestamps_untrusted"];
	EXPECT_GE(untrusted["in_future"].get<uint64_t>(), doc["captured"].get<uint64_t>())
		<< doc.dump(2);
	EXPECT_EQ(untrusted["total"], untrusted["in_future"]) << doc.dump(2);
	const nlohmann::json &sink = doc["sinks"][0];
	EXPECT_GT(sink["displayed"].get<uint64_t>(), 0u) << "the frames are still shown";
	EXPECT_EQ(sink["latency_ms"]["count"], 0) << doc.dump(2);
	EXPECT_FALSE(sink["latency_ms"].contains("p50")) << doc.dump(2);
	EXPECT_TRUE(sink["latency_ms"].contains("untrusted")) << doc.dump(2);
	/* Said once in the summary, in place of a latency figure. */
	EXPECT_NE(run.out().find("capture timestamps left out of latency: in_future"),
		  std::string::npos)
		<< run.out();
	EXPECT_NE(run.out().find("latency unknown (no trusted capture time)"), std::string::npos)
		<< run.out();
	EXPECT_EQ(run.out().find("latency p50 -"), std::string::npos) << run.out();
}

} /* namespace */
} /* namespace primecam */

/* SPDX-License-Identifier: MIT */
#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <linux/videodev2.h>
#include <nlohmann/json.hpp>

#include "tests/vm/device/cli/cli_test_helpers.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"

/*
 * The faults a long-running viewer meets, each injected through one of
 * vivid's controls into the demo (configs/vivid-vkms.toml), and the outcome
 * primecam owes for it. A row either sets its controls in the config
 * ([source.controls], applied at configure, before REQBUFS), or presses one
 * mid-run once a frame is on screen.
 *
 * vivid keeps a control's value after the run: a row lists the controls to
 * put back, so that the rows after it and the rest of the suite see a clean
 * device. Buttons ("Inject ...") fire once and clear themselves.
 */

namespace primecam {
namespace {

struct Outcome {
	int code;		   /* the program's exit status */
	const nlohmann::json &doc; /* its --stats file ({} if none) */
	const std::string &out;	   /* stdout: the summary */
	const std::string &err;	   /* stderr: status lines and errors */
	const std::string &node;   /* the vivid node the demo captures from */
	uint64_t displayedAtFault; /* displayed when a mid-run fault was pressed */
};

struct Fault {
	const char *name;
	/* Lines for [source.controls]. */
	std::string controls;
	/* A control pressed once the status line shows a frame displayed. */
	std::optional<std::pair<std::string, int64_t>> midRun;
	const char *frames;
	std::vector<std::pair<std::string, int64_t>> restore;
	std::function<void(const Outcome &)> expect;
};

/* The run failed with a message naming the device, the ioctl and the errno,
 * and nothing was left behind (the node opens again). */
void expectClearError(const Outcome &r, std::initializer_list<const char *> ioctls)
{
	EXPECT_GT(r.code, 0) << "a refused ioctl is a failed run, not a signal (" << r.code
			     << "): " << r.err;
	EXPECT_NE(r.err.find(r.node), std::string::npos) << r.err;
	bool named = false;
	for (const char *ioctl : ioctls)
		named |= r.err.find(ioctl) != std::string::npos;
	EXPECT_TRUE(named) << "the failed ioctl is not named: " << r.err;
	EXPECT_NE(r.err.find("EINVAL"), std::string::npos) << r.err;
}

void expectDisplayedZeroCopy(const Outcome &r)
{
	ASSERT_EQ(r.code, 0) << r.err;
	EXPECT_FALSE(r.doc.contains("error")) << r.doc.dump(2);
	EXPECT_GT(r.doc["sinks"][0]["displayed"].get<uint64_t>(), 0u) << r.doc.dump(2);
	EXPECT_EQ(r.doc["copies"], 0) << r.doc.dump(2);
}

const Fault kFaults[] = {
	{"buffer_flagged_error",
	 "inject_v4l2_buf_flag_error = 1\n",
	 std::nullopt,
	 "20",
	 {},
	 [](const Outcome &r) {
		 expectDisplayedZeroCopy(r);
		 /* vivid flags the next buffer it fills V4L2_BUF_FLAG_ERROR:
		  * dropped (never shown), counted, and the stream goes on. */
		 EXPECT_EQ(r.doc["capture_errors"], 1) << r.doc.dump(2);
		 EXPECT_GE(r.doc["captured"].get<uint64_t>(), 20u) << r.doc.dump(2);
	 }},
	{"half_the_buffers_dropped",
	 "percentage_of_dropped_buffers = 50\n",
	 std::nullopt,
	 "60",
	 {{"Percentage of Dropped Buffers", 0}},
	 [](const Outcome &r) {
		 expectDisplayedZeroCopy(r);
		 /* vivid skips a sequence number for each buffer it drops,
		  * one in two at random: over 60 frames the gaps add up to
		  * about 60. A quarter is far below any plausible draw; the
		  * emulated clock can only add gaps (vivid numbers frames by
		  * time). The upper bound catches a gap miscounted as a wrap
		  * of the 32-bit counter. */
		 uint64_t captured = r.doc["captured"].get<uint64_t>();
		 uint64_t gaps = r.doc["sequence_gaps"].get<uint64_t>();
		 EXPECT_GE(gaps, captured / 4) << r.doc.dump(2);
		 EXPECT_LT(gaps, 20 * captured) << r.doc.dump(2);
	 }},
	{"sequence_wrap",
	 "wrap_sequence_number = 1\n",
	 std::nullopt,
	 "200",
	 {{"Wrap Sequence Number", 0}},
	 [](const Outcome &r) {
		 expectDisplayedZeroCopy(r);
		 /* vivid starts the sequence 128 frames before 2^32: at 25 fps
		  * it wraps 5.12 s into the run, which 200 frames outlast. A
		  * wrap taken for a gap would count some 4 billion lost frames;
		  * only the clock's own skips may show. */
		 EXPECT_GT(r.doc["duration_s"].get<double>(), 128.0 / 25) << r.doc.dump(2);
		 uint64_t captured = r.doc["captured"].get<uint64_t>();
		 EXPECT_LT(r.doc["sequence_gaps"].get<uint64_t>(), 10 * captured) << r.doc.dump(2);
	 }},
	{"timestamp_wrap",
	 "wrap_timestamp = 1\n",
	 std::nullopt,
	 "20",
	 {{"Wrap Timestamp", 0}},
	 [](const Outcome &r) {
		 expectDisplayedZeroCopy(r);
		 /* Capture times 16 s before tv_sec's 32-bit wrap, about 136
		  * years ahead of the VM's clock: every frame's time is in the
		  * future, left out of latency and counted, and the summary
		  * says so instead of printing a negative latency. */
		 const nlohmann::json &untrusted = r.doc["timestamps_untrusted"];
		 EXPECT_GE(untrusted["in_future"].get<uint64_t>(),
			   r.doc["captured"].get<uint64_t>())
			 << r.doc.dump(2);
		 EXPECT_EQ(untrusted["total"], untrusted["in_future"]) << r.doc.dump(2);
		 const nlohmann::json &latency = r.doc["sinks"][0]["latency_ms"];
		 EXPECT_EQ(latency["count"], 0) << r.doc.dump(2);
		 EXPECT_FALSE(latency.contains("p50")) << r.doc.dump(2);
		 EXPECT_TRUE(latency.contains("untrusted")) << r.doc.dump(2);
		 EXPECT_NE(r.out.find("capture timestamps left out of latency: in_future"),
			   std::string::npos)
			 << r.out;
		 EXPECT_NE(r.out.find("latency unknown (no trusted capture time)"),
			   std::string::npos)
			 << r.out;
		 EXPECT_EQ(r.out.find("latency p50 -"), std::string::npos) << r.out;
	 }},
	{"fatal_streaming_error",
	 "",
	 std::pair<std::string, int64_t>{"Inject Fatal Streaming Error", 1},
	 "250",
	 {},
	 [](const Outcome &r) {
		 /* vb2's queue in its error state: restarted (STREAMOFF,
		  * requeue, STREAMON) within the default policy, and frames
		  * captured after it reach the display. */
		 expectDisplayedZeroCopy(r);
		 EXPECT_EQ(r.doc["restarts"]["count"], 1) << r.doc.dump(2);
		 /* vb2's queue in its error state wakes poll() with EPOLLERR,
		  * and DQBUF and QBUF (a displayed buffer given back) say EIO:
		  * whichever primecam met first is the one reason. */
		 const nlohmann::json &reasons = r.doc["restarts"]["reasons"];
		 EXPECT_EQ(reasons.size(), 1u) << r.doc.dump(2);
		 EXPECT_TRUE(reasons.contains("VIDIOC_DQBUF returned EIO") ||
			     reasons.contains("VIDIOC_QBUF returned EIO") ||
			     reasons.contains("poll reported EPOLLERR"))
			 << r.doc.dump(2);
		 EXPECT_GE(r.doc["captured"].get<uint64_t>(), 250u) << r.doc.dump(2);
		 EXPECT_GT(r.doc["sinks"][0]["displayed"].get<uint64_t>(), r.displayedAtFault)
			 << r.doc.dump(2);
		 /* sequence_gaps is not asserted: vivid numbers frames by the
		  * clock and skips the ones an emulated CPU was too slow for.
		  * SequenceCounter's unit test covers the restart. */
		 EXPECT_NE(r.out.find("stream restarted after driver errors: "), std::string::npos)
			 << r.out;
		 EXPECT_NE(r.err.find("restarts 1"), std::string::npos)
			 << "the status line counts the restart: " << r.err;
	 }},
	{"reqbufs_refused",
	 "inject_vidioc_reqbufs_error = 1\n",
	 std::nullopt,
	 "5",
	 {},
	 [](const Outcome &r) { expectClearError(r, {"VIDIOC_REQBUFS"}); }},
	/* primecam prepares every buffer at configure (VIDIOC_PREPARE_BUF),
	 * which runs the driver's buf_prepare that QBUF would otherwise run. */
	{"qbuf_refused",
	 "inject_vidioc_qbuf_error = 1\n",
	 std::nullopt,
	 "5",
	 {},
	 [](const Outcome &r) {
		 expectClearError(r, {"VIDIOC_PREPARE_BUF", "VIDIOC_QBUF"});
	 }},
	{"streamon_refused",
	 "inject_vidioc_streamon_error = 1\n",
	 std::nullopt,
	 "5",
	 {},
	 [](const Outcome &r) { expectClearError(r, {"VIDIOC_STREAMON"}); }},
	{"disconnect_without_reconnect",
	 "",
	 std::pair<std::string, int64_t>{"Disconnect", 1},
	 "100000",
	 {},
	 [](const Outcome &r) {
		 /* vivid's "Disconnect" is a USB camera pulled: every node of
		  * the instance answers ENODEV. Without reconnect the run ends
		  * naming the device, and keeps the stats of what it showed. */
		 EXPECT_GT(r.code, 0) << "a lost camera is a failed run, not a signal (" << r.code
				      << "): " << r.err;
		 EXPECT_NE(r.err.find(r.node), std::string::npos) << r.err;
		 EXPECT_NE(r.err.find("lost"), std::string::npos) << r.err;
		 ASSERT_TRUE(r.doc.contains("error")) << r.doc.dump(2);
		 EXPECT_NE(r.doc["error"].get<std::string>().find(r.node), std::string::npos)
			 << r.doc.dump(2);
		 EXPECT_GT(r.doc["sinks"][0]["displayed"].get<uint64_t>(), 0u) << r.doc.dump(2);
		 EXPECT_EQ(r.doc["copies"], 0);
		 /* primecam let go of everything on the device: vivid
		  * registers its nodes again only once the last user is gone. */
		 auto deadline = std::chrono::steady_clock::now() + 10s;
		 Result<VideoDevice> back = VideoDevice::open(r.node);
		 while (!back && std::chrono::steady_clock::now() < deadline) {
			 std::this_thread::sleep_for(100ms);
			 back = VideoDevice::open(r.node);
		 }
		 EXPECT_TRUE(back.ok()) << r.node << " did not come back: " << back.error().message;
	 }},
};

/* The row's name in GoogleTest's messages, not its bytes. */
void PrintTo(const Fault &fault, std::ostream *os)
{
	*os << fault.name;
}

class CliFaultMatrix : public ::testing::TestWithParam<Fault>
{};

TEST_P(CliFaultMatrix, OutcomeAsOwed)
{
	const Fault &fault = GetParam();
	std::vector<std::string> nodes = VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE);
	PRIMECAM_NEED_DEVICE(!nodes.empty() && haveVkms(), "vivid and vkms");
	/* configs/vivid-vkms.toml names vivid's first single-planar node. */
	const std::string node = nodes.front();

	struct Restore {
		const std::string &node;
		const Fault &fault;
		~Restore()
		{
			for (const auto &[control, value] : fault.restore) {
				Result<void> ok = test::setDeviceControl(node, control, value);
				EXPECT_TRUE(ok.ok()) << control << ": " << ok.error().message;
			}
		}
	} restore{node, fault};

	const std::string name = std::string("fault-") + fault.name;
	const std::string configPath =
		fault.controls.empty() ? config("vivid-vkms.toml")
				       : demoWith(name, "[source.controls]", fault.controls);
	const std::string stats = outDir() + "/" + name + ".json";
	unlink(stats.c_str());

	Terminal terminal;
	ASSERT_TRUE(terminal.ok());
	Program run(name, {"run", configPath, "--frames", fault.frames, "--stats", stats},
		    terminal.follower());
	terminal.closeFollower();
	ASSERT_TRUE(run.started());

	uint64_t displayedAtFault = 0;
	if (fault.midRun) {
		ASSERT_TRUE(terminal.waitForFrames("displayed ", 120s))
			<< "nothing displayed in 120 s: " << terminal.text();
		displayedAtFault = latestCount(terminal.text(), "displayed ");
		Result<void> pressed =
			test::setDeviceControl(node, fault.midRun->first, fault.midRun->second);
		ASSERT_TRUE(pressed.ok()) << pressed.error().message;
	}
	int code = run.wait(240s);
	const std::string err = terminal.text();
	const std::string out = run.out();
	nlohmann::json doc = readJson(stats);
	fault.expect(Outcome{code, doc, out, err, node, displayedAtFault});
}

INSTANTIATE_TEST_SUITE_P(Vivid, CliFaultMatrix, ::testing::ValuesIn(kFaults),
			 [](const ::testing::TestParamInfo<Fault> &param) {
				 return std::string(param.param.name);
			 });

} /* namespace */
} /* namespace primecam */

/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "src/stats_json.h"

namespace primecam {
namespace {

PipelineStats sampleStats()
{
	PipelineStats stats;
	stats.captured = 100;
	stats.captureErrors = 1;
	stats.sequenceGaps = 2;
	stats.startNs = 1'000'000'000;
	stats.endNs = 5'000'000'000; /* 4 s */
	SinkStats &kms = stats.addSink("kms vkms/Virtual-1 plane 31");
	kms.received = 99;
	kms.displayed = 95;
	kms.drop(DropReason::DisplayBehind);
	kms.drop(DropReason::DisplayBehind);
	kms.drop(DropReason::SinkError);
	for (int ms = 1; ms <= 100; ++ms)
		kms.latency.add(int64_t{ms} * 1'000'000);
	SinkStats &null = stats.addSink("null");
	null.received = 100;
	null.copies = 3;
	return stats;
}

TEST(StatsJson, StartupFromTheProcessStartAndAdjustments)
{
	PipelineStats stats = sampleStats();
	stats.firstCaptureNs = 1'100'000'000;
	/* The first frame shown is the earliest of any sink's. */
	stats.sinks[0].firstDisplayedNs = 1'150'000'000;
	stats.sinks[1].firstDisplayedNs = 1'120'000'000;
	RunReport report;
	report.stats = &stats;
	report.startup.processNs = 1'000'000'000;
	report.startup.configParsedNs = 1'005'000'000;
	report.startup.configuredNs = 1'060'500'000;
	report.adjustments = {"vivid gives 5 fps at 1920x1080; the config asks 25"};

	nlohmann::json doc = nlohmann::json::parse(statsJson(report));
	EXPECT_DOUBLE_EQ(doc["startup_ms"]["config_parsed"].get<double>(), 5.0);
	EXPECT_DOUBLE_EQ(doc["startup_ms"]["configured"].get<double>(), 60.5);
	EXPECT_DOUBLE_EQ(doc["startup_ms"]["first_capture"].get<double>(), 100.0);
	EXPECT_DOUBLE_EQ(doc["startup_ms"]["first_display"].get<double>(), 120.0);
	ASSERT_EQ(doc["adjustments"].size(), 1u);
	EXPECT_EQ(doc["adjustments"][0], "vivid gives 5 fps at 1920x1080; the config asks 25");
}

TEST(StatsJson, StartupLeavesOutWhatWasNotReached)
{
	PipelineStats stats;
	RunReport report;
	report.stats = &stats;
	report.startup.processNs = 1'000'000'000;
	report.startup.configParsedNs = 1'005'000'000;

	nlohmann::json doc = nlohmann::json::parse(statsJson(report));
	EXPECT_TRUE(doc["startup_ms"].contains("config_parsed"));
	EXPECT_FALSE(doc["startup_ms"].contains("configured"));
	EXPECT_FALSE(doc["startup_ms"].contains("first_capture"));
	EXPECT_FALSE(doc["startup_ms"].contains("first_display"));
	EXPECT_TRUE(doc["adjustments"].empty());

	/* Without the process's start nothing is reported at all. */
	report.startup.processNs = 0;
	doc = nlohmann::json::parse(statsJson(report));
	EXPECT_TRUE(doc["startup_ms"].empty());
}

TEST(StatsJson, UntrustedTimestampsAreCountedAndNoLatencyIsMadeUp)
{
	PipelineStats stats;
	stats.untrustedTimestamps[static_cast<size_t>(TimestampTrust::InFuture)] = 30;
	stats.untrustedTimestamps[static_cast<size_t>(TimestampTrust::Jumped)] = 1;
	SinkStats &kms = stats.addSink("kms");
	kms.displayed = 31; /* every one of them untrusted: no latency sample */
	RunReport report;
	report.stats = &stats;

	nlohmann::json doc = nlohmann::json::parse(statsJson(report));
	EXPECT_EQ(doc["timestamps_untrusted"]["in_future"], 30);
	EXPECT_EQ(doc["timestamps_untrusted"]["jumped"], 1);
	EXPECT_EQ(doc["timestamps_untrusted"]["not_monotonic"], 0);
	EXPECT_EQ(doc["timestamps_untrusted"]["too_old"], 0);
	EXPECT_EQ(doc["timestamps_untrusted"]["total"], 31);
	const nlohmann::json &latency = doc["sinks"][0]["latency_ms"];
	EXPECT_EQ(latency["count"], 0);
	EXPECT_FALSE(latency.contains("p50")) << latency.dump();
	EXPECT_NE(latency["untrusted"].get<std::string>().find("timestamps_untrusted"),
		  std::string::npos);
}

TEST(StatsJson, RestartsAreCountedByReason)
{
	PipelineStats stats;
	RunReport report;
	report.stats = &stats;
	nlohmann::json doc = nlohmann::json::parse(statsJson(report));
	EXPECT_EQ(doc["restarts"]["count"], 0);
	EXPECT_TRUE(doc["restarts"]["reasons"].empty());

	stats.restarts["VIDIOC_DQBUF returned EIO"] = 2;
	stats.restarts["poll reported EPOLLERR"] = 1;
	doc = nlohmann::json::parse(statsJson(report));
	EXPECT_EQ(doc["restarts"]["count"], 3);
	EXPECT_EQ(doc["restarts"]["reasons"]["VIDIOC_DQBUF returned EIO"], 2);
	EXPECT_EQ(doc["restarts"]["reasons"]["poll reported EPOLLERR"], 1);
}

TEST(StatsJson, CarriesEveryCounter)
{
	PipelineStats stats = sampleStats();
	RunReport report;
	report.configFile = "configs/vivid-vkms.toml";
	report.source = "vivid (/dev/video0) XRGB8888 640x480";
	report.stats = &stats;

	nlohmann::json doc = nlohmann::json::parse(statsJson(report));
	EXPECT_EQ(doc["config"], "configs/vivid-vkms.toml");
	EXPECT_EQ(doc["source"], "vivid (/dev/video0) XRGB8888 640x480");
	EXPECT_EQ(doc["captured"], 100);
	EXPECT_EQ(doc["capture_errors"], 1);
	EXPECT_EQ(doc["sequence_gaps"], 2);
	EXPECT_DOUBLE_EQ(doc["duration_s"].get<double>(), 4.0);
	EXPECT_DOUBLE_EQ(doc["fps"].get<double>(), 25.0);
	EXPECT_EQ(doc["copies"], 3);
	EXPECT_FALSE(doc.contains("error"));
	EXPECT_FALSE(doc.contains("interrupted_by"));

	ASSERT_EQ(doc["sinks"].size(), 2u);
	const nlohmann::json &kms = doc["sinks"][0];
	EXPECT_EQ(kms["name"], "kms vkms/Virtual-1 plane 31");
	EXPECT_EQ(kms["received"], 99);
	EXPECT_EQ(kms["displayed"], 95);
	EXPECT_EQ(kms["dropped"]["display_behind"], 2);
	EXPECT_EQ(kms["dropped"]["sink_error"], 1);
	EXPECT_EQ(kms["dropped"]["capture_error"], 0);
	EXPECT_EQ(kms["dropped"]["stage_behind"], 0);
	EXPECT_EQ(kms["dropped"]["total"], 3);
	EXPECT_EQ(kms["copies"], 0);
	EXPECT_DOUBLE_EQ(kms["latency_ms"]["p50"].get<double>(), 50.0);
	EXPECT_DOUBLE_EQ(kms["latency_ms"]["p95"].get<double>(), 95.0);
	EXPECT_DOUBLE_EQ(kms["latency_ms"]["p99"].get<double>(), 99.0);
	EXPECT_DOUBLE_EQ(kms["latency_ms"]["max"].get<double>(), 100.0);
	EXPECT_EQ(kms["latency_ms"]["count"], 100);
	EXPECT_EQ(doc["sinks"][1]["name"], "null");
	EXPECT_EQ(doc["sinks"][1]["copies"], 3);
}

/* A copying source (libv4l2 emulation) shows its copies on their own and in
 * the total: a path that is not zero-copy never reports "copies": 0. */
TEST(StatsJson, SourceCopiesAreReportedAndInTheTotal)
{
	PipelineStats stats = sampleStats();
	stats.sourceCopies = 97;
	stats.sourceDropped = 3;
	RunReport report;
	report.stats = &stats;
	nlohmann::json doc = nlohmann::json::parse(statsJson(report));
	EXPECT_EQ(doc["source_copies"], 97);
	EXPECT_EQ(doc["source_dropped"], 3);
	EXPECT_EQ(doc["copies"], 97 + 3) << "the source's copies plus the null sink's 3";

	/* Zero-copy runs carry the keys too, as 0. */
	PipelineStats zero = sampleStats();
	report.stats = &zero;
	doc = nlohmann::json::parse(statsJson(report));
	EXPECT_EQ(doc["source_copies"], 0);
	EXPECT_EQ(doc["source_dropped"], 0);
}

TEST(StatsJson, FailedRunCarriesTheErrorAndZeros)
{
	RunReport report;
	report.configFile = "bad.toml";
	report.error = Error{EINVAL, "bad.toml:3:1: source.width: expected an integer"};

	nlohmann::json doc = nlohmann::json::parse(statsJson(report));
	EXPECT_EQ(doc["error"], "bad.toml:3:1: source.width: expected an integer");
	EXPECT_EQ(doc["errno"], EINVAL);
	EXPECT_EQ(doc["captured"], 0);
	EXPECT_EQ(doc["fps"], 0.0);
	EXPECT_EQ(doc["duration_s"], 0.0);
	EXPECT_TRUE(doc["sinks"].is_array());
	EXPECT_TRUE(doc["sinks"].empty());
}

TEST(StatsJson, InterruptedRunNamesTheSignal)
{
	PipelineStats stats = sampleStats();
	RunReport report;
	report.stats = &stats;
	report.signal = SIGINT;
	nlohmann::json doc = nlohmann::json::parse(statsJson(report));
	EXPECT_EQ(doc["interrupted_by"], "SIGINT");
	report.signal = SIGTERM;
	doc = nlohmann::json::parse(statsJson(report));
	EXPECT_EQ(doc["interrupted_by"], "SIGTERM");
}

TEST(StatsJson, StreamingThatNeverEndedHasNoDuration)
{
	PipelineStats stats;
	stats.captured = 5;
	stats.startNs = 1'000;
	RunReport report;
	report.stats = &stats;
	nlohmann::json doc = nlohmann::json::parse(statsJson(report));
	EXPECT_EQ(doc["duration_s"], 0.0);
	EXPECT_EQ(doc["fps"], 0.0);
}

TEST(StatsJson, TextThatIsNotUtf8DoesNotThrow)
{
	PipelineStats stats;
	stats.addSink(std::string("kms \xff\xfe card"));
	RunReport report;
	report.stats = &stats;
	report.source = "\xc3";
	std::string text;
	ASSERT_NO_THROW(text = statsJson(report));
	nlohmann::json doc = nlohmann::json::parse(text);
	EXPECT_EQ(doc["sinks"][0]["name"], "kms \xef\xbf\xbd\xef\xbf\xbd card");
}

TEST(StatsJson, WriteStatsFileWritesAndReportsErrors)
{
	char dir[] = "/tmp/primecam-stats-XXXXXX";
	ASSERT_NE(mkdtemp(dir), nullptr);
	std::string path = std::string(dir) + "/stats.json";

	PipelineStats stats = sampleStats();
	RunReport report;
	report.stats = &stats;
	Result<void> written = writeStatsFile(path, report);
	ASSERT_TRUE(written) << written.error().message;
	std::ifstream in(path);
	std::stringstream text;
	text << in.rdbuf();
	EXPECT_EQ(text.str(), statsJson(report));
	EXPECT_EQ(nlohmann::json::parse(text.str())["captured"], 100);

	Result<void> failed = writeStatsFile(std::string(dir) + "/missing/stats.json", report);
	ASSERT_FALSE(failed);
	EXPECT_EQ(failed.error().code, ENOENT);
	EXPECT_NE(failed.error().message.find(std::string(dir) + "/missing/stats.json"),
		  std::string::npos);

	unlink(path.c_str());
	rmdir(dir);
}

TEST(StatsJson, SeveralSourcesEachHaveTheirOwnEntry)
{
	PipelineStats front = sampleStats();
	PipelineStats back;
	back.captured = 40;
	back.startNs = 1'000'000'000;
	back.endNs = 3'000'000'000; /* 2 s */
	back.addSink("null").received = 40;
	RunReport report;
	report.configFile = "four.toml";
	report.source = "vivid (/dev/video0)";
	report.stats = &front;
	report.adjustments = {"front adjusted"};
	report.sources.push_back({"front", "vivid (/dev/video0)", &front, {"front adjusted"}, {}});
	report.sources.push_back(
		{"back", "vivid (/dev/video1)", &back, {}, Error{ENODEV, "the camera went away"}});

	nlohmann::json doc = nlohmann::json::parse(statsJson(report));
	/* The top level is the first source's, as with one source. */
	EXPECT_EQ(doc["captured"], 100);
	EXPECT_EQ(doc["source"], "vivid (/dev/video0)");
	EXPECT_FALSE(doc.contains("error")) << "the run's error, not a source's";

	ASSERT_EQ(doc["sources"].size(), 2u);
	const nlohmann::json &first = doc["sources"][0];
	EXPECT_EQ(first["name"], "front");
	EXPECT_EQ(first["device"], "vivid (/dev/video0)");
	EXPECT_EQ(first["adjustments"][0], "front adjusted");
	EXPECT_FALSE(first.contains("error"));
	/* Each entry has the top level's counters for its own pipeline. */
	for (const auto &[key, value] : first.items()) {
		if (key != "name" && key != "device") {
			EXPECT_EQ(value, doc[key]) << key;
		}
	}
	for (const auto &[key, value] : doc.items()) {
		if (key != "config" && key != "source" && key != "sources" && key != "startup_ms") {
			EXPECT_TRUE(first.contains(key)) << key;
		}
	}

	const nlohmann::json &second = doc["sources"][1];
	EXPECT_EQ(second["name"], "back");
	EXPECT_EQ(second["device"], "vivid (/dev/video1)");
	EXPECT_EQ(second["captured"], 40);
	EXPECT_DOUBLE_EQ(second["fps"].get<double>(), 20.0);
	ASSERT_EQ(second["sinks"].size(), 1u);
	EXPECT_EQ(second["sinks"][0]["name"], "null");
	EXPECT_EQ(second["error"], "the camera went away");
	EXPECT_EQ(second["errno"], ENODEV);
}

TEST(StatsJson, NoSourcesArrayWithoutSources)
{
	PipelineStats stats = sampleStats();
	RunReport report;
	report.stats = &stats;
	nlohmann::json doc = nlohmann::json::parse(statsJson(report));
	EXPECT_FALSE(doc.contains("sources"));
	EXPECT_FALSE(doc.contains("displays"));
}

TEST(StatsJson, EachSharedDisplayHasItsCommitCounters)
{
	PipelineStats stats = sampleStats();
	RunReport report;
	report.stats = &stats;
	DisplayCounters counters;
	counters.commits = 120;
	counters.planeUpdates = 410;
	counters.maxPlanesPerCommit = 4;
	counters.overlapping = 1;
	counters.busy = 2;
	report.displays.push_back({"vkms (/dev/dri/card0)", counters});

	nlohmann::json doc = nlohmann::json::parse(statsJson(report));
	ASSERT_EQ(doc["displays"].size(), 1u) << doc.dump(2);
	const nlohmann::json &display = doc["displays"][0];
	EXPECT_EQ(display["card"], "vkms (/dev/dri/card0)");
	EXPECT_EQ(display["commits"], 120);
	EXPECT_EQ(display["plane_updates"], 410);
	EXPECT_EQ(display["max_planes_per_commit"], 4);
	EXPECT_EQ(display["overlapping_commits"], 1);
	EXPECT_EQ(display["busy"], 2);
}

} /* namespace */
} /* namespace primecam */

/* SPDX-License-Identifier: MIT */
/*
 * `primecam doctor` and `primecam run` give one verdict. The doctor asks the
 * devices what run would ask them (TRY_FMT for the camera's size, the m2m
 * queues' formats and sizes, the plane's TEST_ONLY commit through the sink
 * run would make), so a config the doctor passes runs, one it refuses is
 * refused by run for the same reason, and the path it names (zero-copy, a
 * conversion, a copy) is what run's stats count.
 */
#include <filesystem>

#include "tests/vm/device/cli/cli_test_helpers.h"
#include "v4l2/m2m_node.h"

namespace primecam {
namespace {

/* A config with the mistakes users make, and a part of the reason both
 * commands must give. */
struct Broken {
	const char *name;
	std::string toml;
	const char *reason;
};

/* vivid at 320x180, as the vim2m config captures it, then rest (stages, sinks). */
std::string vivid(const char *format, const std::string &rest)
{
	return std::string("[source]\ntype = \"v4l2\"\ndevice = \"vivid\"\napi = "
			   "\"single-planar\"\nformat = \"") +
	       format + "\"\nwidth = 320\nheight = 180\nfps = 25\nbuffers = 8\n" + rest;
}

const char kOverlayFit[] = "[[sink]]\ntype = \"kms\"\ncard = \"vkms\"\nplane = \"overlay\"\n"
			   "placement = \"fit\"\nmode = \"640x480\"\n";

std::string vim2mStage(const char *format, int width, int height)
{
	return std::string("[[stage]]\ntype = \"m2m\"\ndevice = \"vim2m\"\nformat = \"") + format +
	       "\"\nwidth = " + std::to_string(width) + "\nheight = " + std::to_string(height) +
	       "\n[stage.controls]\n\"Transaction Time (msec)\" = 1\n";
}

std::vector<Broken> brokenConfigs()
{
	return {
		/* vkms cannot scale: the refusal names vim2m, which can. */
		{"plane-cannot-scale", vivid("RGB565", kOverlayFit),
		 "What would scale RGB565 320x180 to 640x360 instead: [[stage]] type = \"m2m\" "
		 "device = \"vim2m\" format = \"RGB565\" width = 640 height = 360"},
		{"m2m-cannot-write", vivid("BGR888", vim2mStage("NV12", 640, 360) + kOverlayFit),
		 "CAPTURE queue does not offer NV12"},
		{"m2m-size-out-of-range",
		 vivid("BGR888", vim2mStage("RGB565", 1280, 720) + kOverlayFit),
		 "CAPTURE queue does not take RGBP (RGB565) at 1280x720"},
		{"m2m-cannot-read", vivid("XRGB8888", vim2mStage("RGB565", 640, 360) + kOverlayFit),
		 "OUTPUT queue does not offer XR24"},
	};
}

/* The doctor's line from reason to its end: what run must say too. */
std::string reasonLine(const std::string &out, const std::string &reason)
{
	size_t at = out.find(reason);
	if (at == std::string::npos)
		return {};
	return out.substr(at, out.find('\n', at) - at);
}

} /* namespace */

TEST(CliDoctorAgrees, BrokenConfigsAreRefusedByDoctorAndRunForTheSameReason)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	PRIMECAM_NEED_DEVICE(openM2mNode("vim2m").ok(), "vim2m");
	test::extendTestTimeout(300);

	for (const Broken &broken : brokenConfigs()) {
		SCOPED_TRACE(broken.name);
		const std::string path = outDir() + "/" + broken.name + ".toml";
		std::ofstream(path) << broken.toml;

		Program doctor(std::string("doctor-") + broken.name, {"doctor", path});
		EXPECT_EQ(doctor.wait(60s), 1) << doctor.out() << doctor.err();
		EXPECT_NE(doctor.out().find("verdict: impossible as configured"), std::string::npos)
			<< doctor.out();
		EXPECT_NE(doctor.out().find("mem2mem devices on this machine"), std::string::npos)
			<< doctor.out();
		EXPECT_NE(doctor.out().find("reads (OUTPUT): RGBP 32x32 - 640x480"),
			  std::string::npos)
			<< "vim2m's formats and sizes: " << doctor.out();
		const std::string reason = reasonLine(doctor.out(), broken.reason);
		EXPECT_FALSE(reason.empty()) << "doctor does not say \"" << broken.reason << "\":\n"
					     << doctor.out();

		Program run(std::string("run-") + broken.name, {"run", path, "--frames", "5"});
		EXPECT_NE(run.wait(60s), 0) << run.out() << run.err();
		if (!reason.empty()) {
			EXPECT_NE(run.err().find(reason), std::string::npos)
				<< "doctor: " << reason << "\nrun: " << run.err();
		}
	}
}

/* A rate the camera does not give at that size: the doctor predicts it from
 * VIDIOC_ENUM_FRAMEINTERVALS in the words run uses for what S_PARM granted. */
TEST(CliDoctorAgrees, ARateTheCameraDoesNotGiveIsNamedByDoctorAndRunAlike)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");

	const std::string path = outDir() + "/rate-1080p.toml";
	std::ofstream(path) << "[source]\ntype = \"v4l2\"\ndevice = \"vivid\"\napi = "
			       "\"single-planar\"\ninput = 0\nformat = \"XRGB8888\"\nwidth = "
			       "1920\nheight = 1080\nfps = 25\n[[sink]]\ntype = \"null\"\n";
	/* input = 0 for the test's own sake (the webcam's rates); the doctor
	 * does not switch inputs, so set it first with a short run. */
	const std::string said = "vivid gives 5 fps at 1920x1080; the config asks 25";
	Program run("run-rate-1080p", {"run", path, "--frames", "3"});
	EXPECT_EQ(run.wait(60s), 0) << run.err();
	EXPECT_NE(run.err().find(said), std::string::npos) << run.err();

	std::string text = readFile(path);
	text.erase(text.find("input = 0\n"), 10);
	std::ofstream(path) << text;
	Program doctor("doctor-rate-1080p", {"doctor", path});
	EXPECT_EQ(doctor.wait(60s), 0) << doctor.out() << doctor.err();
	EXPECT_NE(doctor.out().find("source: " + said + " (VIDIOC_ENUM_FRAMEINTERVALS offers "),
		  std::string::npos)
		<< doctor.out();
}

/* A compositor holding the display is a fact of the moment, not of the
 * config: the doctor says it could not test the plane, and still answers. */
TEST(CliDoctorAgrees, ADisplayHeldByAnotherClientLeavesThePlaneUntestedNotImpossible)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	Result<Card> compositor = Card::openByDriver("vkms", Card::Role::Display);
	ASSERT_TRUE(compositor.ok()) << compositor.error().message;
	ASSERT_TRUE(compositor->isMaster());

	Program doctor("doctor-display-held", {"doctor", config("vivid-vkms.toml")});
	EXPECT_EQ(doctor.wait(60s), 0) << doctor.out() << doctor.err();
	EXPECT_NE(doctor.out().find("the plane was not tested (cannot become DRM master of " +
				    compositor->path()),
		  std::string::npos)
		<< doctor.out();
	EXPECT_NE(doctor.out().find("verdict: zero-copy"), std::string::npos) << doctor.out();
}

/* A CPU stage before vim2m: the stage's pool writes the unpadded lines vim2m
 * reads (the builder asks the device), so the chain runs; the doctor and the
 * stats agree on one CPU conversion. */
TEST(CliDoctorAgrees, ACpuStageBeforeVim2mRunsAndIsOneConversion)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	PRIMECAM_NEED_DEVICE(openM2mNode("vim2m").ok(), "vim2m");

	const std::string path = outDir() + "/convert-then-vim2m.toml";
	std::ofstream(path) << vivid("XRGB8888",
				     "[[stage]]\ntype = \"convert\"\nformat = "
				     "\"RGB565\"\n" +
					     vim2mStage("RGB565", 640, 480) +
					     "[[sink]]\ntype = \"kms\"\ncard = \"vkms\"\n"
					     "mode = \"640x480\"\n");
	Program doctor("doctor-convert-then-vim2m", {"doctor", path});
	EXPECT_EQ(doctor.wait(60s), 0) << doctor.out() << doctor.err();
	EXPECT_NE(doctor.out().find("verdict: one CPU conversion"), std::string::npos)
		<< doctor.out();

	const std::string stats = outDir() + "/convert-then-vim2m.json";
	Program run("run-convert-then-vim2m", {"run", path, "--frames", "30", "--stats", stats});
	ASSERT_EQ(run.wait(120s), 0) << run.err();
	nlohmann::json doc = readJson(stats);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	EXPECT_GE(doc["conversions"].get<uint64_t>(), 25u) << doc.dump(2);
	EXPECT_GT(doc["sinks"][0]["displayed"].get<uint64_t>(), 0u) << doc.dump(2);
}

/* A plane the doctor tests where it would go: fit through vim2m, unscaled. */
TEST(CliDoctorAgrees, DoctorSaysWhereThePlaneShowsTheFramesAndTheStageSizes)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	PRIMECAM_NEED_DEVICE(openM2mNode("vim2m").ok(), "vim2m");

	const std::string path = outDir() + "/fit-through-vim2m.toml";
	std::ofstream(path) << vivid("BGR888", vim2mStage("RGB565", 640, 360) + kOverlayFit);
	Program doctor("doctor-fit-through-vim2m", {"doctor", path});
	EXPECT_EQ(doctor.wait(60s), 0) << doctor.out() << doctor.err();
	const std::string out = doctor.out();
	EXPECT_NE(out.find("stage[0] m2m: converts BGR888 320x180 -> RGB565 640x360 on /dev/video"),
		  std::string::npos)
		<< out;
	EXPECT_NE(out.find("(overlay) at 640x360+0+60 on mode 640x480"), std::string::npos) << out;
	EXPECT_NE(out.find("(TEST_ONLY commit passed)"), std::string::npos) << out;
	EXPECT_NE(out.find("verdict: zero-copy"), std::string::npos) << out;
}

namespace {

/* What run's stats say the path was, in the doctor's words. */
std::string verdictOfStats(const nlohmann::json &doc)
{
	uint64_t copies = 0, conversions = 0;
	auto add = [&](const nlohmann::json &source) {
		copies += source.value("copies", uint64_t{0});
		conversions += source.value("conversions", uint64_t{0});
	};
	if (doc.contains("sources"))
		for (const nlohmann::json &source : doc["sources"])
			add(source);
	else
		add(doc);
	if (copies)
		return "not zero-copy: a CPU copy per frame";
	if (conversions)
		return "one CPU conversion, display side zero-copy";
	return "zero-copy";
}

/* Frames shown by every sink of every source (a gl-headless or null sink
 * counts what it consumed). */
uint64_t displayedOf(const nlohmann::json &doc)
{
	uint64_t displayed = 0;
	for (const nlohmann::json &source :
	     doc.contains("sources") ? doc["sources"] : nlohmann::json::array({doc}))
		for (const nlohmann::json &sink : source["sinks"])
			displayed += sink.value("displayed", uint64_t{0});
	return displayed;
}

/* The doctor's verdict over every source: the worst of them. */
std::string verdictOfDoctor(const std::string &out)
{
	for (const char *worst : {"impossible as configured", "not zero-copy: a CPU copy per frame",
				  "one CPU conversion, display side zero-copy"})
		if (out.find(std::string("verdict: ") + worst) != std::string::npos)
			return worst;
	return out.find("verdict: zero-copy") != std::string::npos ? "zero-copy" : "?";
}

} /* namespace */

/* Every shipped config the VM can run (webcam-gl-window.toml wants a
 * desktop and a webcam): the doctor's path is the one run's stats count. */
TEST(CliDoctorAgrees, EveryShippedConfigRunsThePathTheDoctorNames)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	test::extendTestTimeout(900);

	size_t checked = 0;
	for (const std::filesystem::directory_entry &entry :
	     std::filesystem::directory_iterator(config(""))) {
		const std::string name = entry.path().filename().string();
		if (entry.path().extension() != ".toml" || name == "webcam-gl-window.toml")
			continue;
		SCOPED_TRACE(name);
		Program doctor("agree-doctor-" + name, {"doctor", entry.path().string()});
		EXPECT_EQ(doctor.wait(60s), 0) << doctor.out() << doctor.err();
		const std::string said = verdictOfDoctor(doctor.out());

		const std::string stats = outDir() + "/agree-" + name + ".json";
		/* Enough frames that the path shows some: under a sanitizer
		 * and emulation a CPU stage's first pass takes longer than 3
		 * frames' capture, and llvmpipe's first composition (shaders
		 * compiled) longer than 25; a run that showed nothing says
		 * nothing about its path. */
		const bool gl = name.find("gl") != std::string::npos;
		Program run("agree-run-" + name, {"run", entry.path().string(), "--frames",
						  gl ? "100" : "25", "--stats", stats});
		EXPECT_EQ(run.wait(180s), 0) << run.err();
		EXPECT_GT(displayedOf(readJson(stats)), 0u) << readJson(stats).dump(2);
		EXPECT_EQ(verdictOfStats(readJson(stats)), said)
			<< "doctor:\n"
			<< doctor.out() << "run's stats: " << readJson(stats).dump(2);
		++checked;
	}
	EXPECT_GE(checked, 14u);
}

} /* namespace primecam */

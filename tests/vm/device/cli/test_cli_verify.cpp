/* SPDX-License-Identifier: MIT */
/*
 * `primecam verify` on the VM's devices: the vivid -> vkms matrix passes
 * as a whole, each fault put into the path on purpose is caught with a
 * message naming the case and the region, the reports parse, --only runs a
 * subset, and libcamera's vimc passes a smaller matrix.
 */
#include <expat.h>
#include <fnmatch.h>

#include "src/verify/timing_checks.h"
#include "tests/vm/device/cli/cli_test_helpers.h"
#include "v4l2/m2m_node.h"

namespace primecam {
namespace {

bool haveVividAndVkms()
{
	return haveVivid(V4L2_CAP_VIDEO_CAPTURE) && haveVkms();
}

/* The testcase elements of a JUnit file, and whether expat parsed it. */
struct Junit {
	bool parsed = false;
	std::string error;
	size_t testcases = 0;
	size_t failures = 0;
	size_t skipped = 0;
};

Junit parseJunit(const std::string &text)
{
	Junit junit;
	XML_Parser parser = XML_ParserCreate("UTF-8");
	XML_SetUserData(parser, &junit);
	XML_SetStartElementHandler(parser, [](void *data, const XML_Char *name, const XML_Char **) {
		Junit &j = *static_cast<Junit *>(data);
		std::string element(name);
		j.testcases += element == "testcase";
		j.failures += element == "failure";
		j.skipped += element == "skipped";
	});
	junit.parsed =
		XML_Parse(parser, text.data(), static_cast<int>(text.size()), 1) == XML_STATUS_OK;
	if (!junit.parsed)
		junit.error = XML_ErrorString(XML_GetErrorCode(parser));
	XML_ParserFree(parser);
	return junit;
}

/* The cases of a verify JSON report on a path, with a verdict. */
size_t count(const nlohmann::json &doc, const std::string &path, const std::string &verdict)
{
	size_t n = 0;
	for (const nlohmann::json &c : doc["cases"])
		n += c["path"].is_string() && c["path"] == path && c["verdict"] == verdict;
	return n;
}

/* The vivid cases verify names; vivid's first capture node. */
const std::vector<std::string> kVivid = {"--camera", "vivid", "--display", "vkms"};

std::vector<std::string> verifyArgs(std::vector<std::string> more)
{
	std::vector<std::string> args = {"verify"};
	args.insert(args.end(), kVivid.begin(), kVivid.end());
	args.insert(args.end(), more.begin(), more.end());
	return args;
}

/* A fault on one case: verify fails, naming the case and where. */
void expectCaught(const char *fault, const std::string &name, const std::string &check)
{
	const std::string json = outDir() + "/verify-" + fault + ".json";
	Program verify(
		std::string("verify-") + fault,
		verifyArgs({"--only", name, "--frames", "10", "--fault", fault, "--json", json}));
	ASSERT_EQ(verify.wait(180s), 1) << verify.out() << verify.err();
	nlohmann::json doc = readJson(json);
	ASSERT_EQ(doc["cases"].size(), 1u) << doc.dump(2);
	const nlohmann::json &c = doc["cases"][0];
	EXPECT_EQ(c["name"], name);
	EXPECT_EQ(c["verdict"], "FAIL") << c.dump(2);
	/* The table names the case, and under it what differed, where. */
	const std::string &out = verify.out();
	size_t row = out.find(name);
	ASSERT_NE(row, std::string::npos) << out;
	size_t reason = out.find("    " + check, row);
	EXPECT_NE(reason, std::string::npos) << "no \"" << check << "\" under the case:\n" << out;
	if (check == "pixels:") {
		EXPECT_NE(out.find("all within (", reason), std::string::npos)
			<< "the first differing region is not named:\n"
			<< out;
	}
}

} /* namespace */

TEST(CliVerify, TheWholeMatrixPassesWithinItsBound)
{
	PRIMECAM_NEED_DEVICE(haveVividAndVkms(), "vivid and vkms");
	PRIMECAM_NEED_DEVICE(openM2mNode("vim2m").ok(), "vim2m");
	/* The bound: a few minutes under emulation, for the whole matrix. */
	test::extendTestTimeout(900);

	const std::string json = outDir() + "/verify-matrix.json";
	const std::string junit = outDir() + "/verify-matrix.xml";
	const auto start = std::chrono::steady_clock::now();
	Program verify("verify-matrix",
		       verifyArgs({"--frames", "10", "--json", json, "--junit", junit}));
	EXPECT_EQ(verify.wait(840s), 0) << verify.out() << verify.err();
	const auto took = std::chrono::steady_clock::now() - start;
	EXPECT_LT(took, 600s) << "the matrix took "
			      << std::chrono::duration_cast<std::chrono::seconds>(took).count()
			      << " s";

	nlohmann::json doc = readJson(json);
	ASSERT_TRUE(doc.contains("cases")) << doc.dump(2);
	EXPECT_EQ(doc["failed"], 0) << verify.out();
	/* Every path vivid -> vim2m -> vkms offers is in it and passes:
	 * RGB scanned out as it is, YUV converted on the CPU, 24-bit RGB
	 * through vim2m; and Bayer, which nothing here shows, is listed
	 * with the reason. */
	EXPECT_GT(count(doc, "direct", "pass"), 2u) << verify.out();
	EXPECT_GT(count(doc, "convert", "pass"), 2u) << verify.out();
	EXPECT_GT(count(doc, "m2m", "pass"), 0u) << verify.out();
	EXPECT_GT(doc["not_applicable"].get<size_t>(), 0u) << verify.out();
	bool memory = false, overlay = false;
	for (const nlohmann::json &c : doc["cases"]) {
		const std::string name = c["name"];
		memory = memory || name.find("/dmabuf-") != std::string::npos;
		overlay = overlay || name.find("/overlay") != std::string::npos;
		if (c["verdict"] != "pass")
			continue;
		/* Zero-copy paths copy nothing; a conversion is one a frame. */
		if (c["path"] != "convert") {
			EXPECT_EQ(c["conversions"], 0) << c.dump(2);
		}
		EXPECT_EQ(c["copies"], 0) << c.dump(2);
		EXPECT_GT(c["reference_copies"].get<uint64_t>(), 0u) << c.dump(2);
		EXPECT_EQ(c["fds_leaked"], 0) << c.dump(2);
		/* Measured always; judged only where the clock is the
		 * path's (not under TCG, which this VM is). */
		EXPECT_GT(c["latency_p99_ms"].get<double>(), 0.0) << c.dump(2);
		EXPECT_GT(c["latency_bound_ms"].get<double>(), 0.0) << c.dump(2);
		EXPECT_EQ(c["timing_judged"], !timingNotJudgedReason()) << c.dump(2);
	}
	if (timingNotJudgedReason()) {
		EXPECT_NE(verify.out().find("sequence gaps and latency are measured and reported, "
					    "not judged: the CPU is QEMU's TCG emulator"),
			  std::string::npos)
			<< verify.out();
	}
	EXPECT_TRUE(memory) << "no dma-buf pool case";
	EXPECT_TRUE(overlay) << "no overlay plane case";

	/* One testcase per case, and CI's counts. */
	Junit parsed = parseJunit(readFile(junit));
	ASSERT_TRUE(parsed.parsed) << parsed.error;
	EXPECT_EQ(parsed.testcases, doc["cases"].size());
	EXPECT_EQ(parsed.failures, 0u);
	EXPECT_EQ(parsed.skipped, doc["not_applicable"].get<size_t>());
}

TEST(CliVerify, OnlyRunsTheMatchingCases)
{
	PRIMECAM_NEED_DEVICE(haveVividAndVkms(), "vivid and vkms");
	test::extendTestTimeout(300);
	const char pattern[] = "XRGB8888/*/primary,YUYV/640x480/mmap*";
	const std::string json = outDir() + "/verify-only.json";
	Program verify("verify-only",
		       verifyArgs({"--only", pattern, "--frames", "10", "--json", json}));
	ASSERT_EQ(verify.wait(240s), 0) << verify.out() << verify.err();
	nlohmann::json doc = readJson(json);
	/* XRGB8888 on the primary in mmap, the dumb, heap and udmabuf pools
	 * (XRGB8888 stands for the direct path); YUYV in mmap. */
	ASSERT_GE(doc["cases"].size(), 2u) << doc.dump(2);
	bool yuyv = false;
	for (const nlohmann::json &c : doc["cases"]) {
		const std::string name = c["name"];
		EXPECT_TRUE(fnmatch("XRGB8888/*/primary", name.c_str(), 0) == 0 ||
			    fnmatch("YUYV/640x480/mmap*", name.c_str(), 0) == 0)
			<< name;
		yuyv = yuyv || name.starts_with("YUYV/");
	}
	EXPECT_TRUE(yuyv) << doc.dump(2);
}

TEST(CliVerify, OnlyMatchingNothingIsAUsageError)
{
	PRIMECAM_NEED_DEVICE(haveVividAndVkms(), "vivid and vkms");
	Program verify("verify-none", verifyArgs({"--only", "NOSUCHFORMAT/*"}));
	EXPECT_EQ(verify.wait(120s), 2) << verify.out() << verify.err();
	EXPECT_NE(verify.err().find("--only NOSUCHFORMAT/* matches none of the"), std::string::npos)
		<< verify.err();
}

/* A chroma plane described at the wrong offset (recomputed, not the
 * kernel's) garbles the colours of the top lines: the pixel check says so. */
TEST(CliVerify, AMisstatedPlaneOffsetIsCaught)
{
	PRIMECAM_NEED_DEVICE(haveVividAndVkms(), "vivid and vkms");
	test::extendTestTimeout(240);
	expectCaught("chroma-offset", "NV12/640x480/mmap/single-planar/primary", "pixels:");
}

/* A buffer given back to the camera while on screen is overwritten under
 * the display's eyes. */
TEST(CliVerify, ABufferRequeuedWhileOnScreenIsCaught)
{
	PRIMECAM_NEED_DEVICE(haveVividAndVkms(), "vivid and vkms");
	test::extendTestTimeout(240);
	expectCaught("early-requeue", "XRGB8888/640x480/mmap/single-planar/primary", "pixels:");
}

/* BT.709 read as BT.601 (or the reverse) shifts every coloured bar. */
TEST(CliVerify, AConversionWithTheWrongMatrixIsCaught)
{
	PRIMECAM_NEED_DEVICE(haveVividAndVkms(), "vivid and vkms");
	test::extendTestTimeout(240);
	expectCaught("wrong-matrix", "NV12/640x480/mmap/single-planar/primary", "pixels:");
}

#if PRIMECAM_HAVE_LIBCAMERA
TEST(CliVerify, VimcThroughLibcameraPassesASmallerMatrix)
{
	struct stat st;
	PRIMECAM_NEED_DEVICE(stat("/sys/bus/platform/devices/vimc.0", &st) == 0,
			     "the vimc media device");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	test::extendTestTimeout(600);
	const std::string json = outDir() + "/verify-vimc.json";
	Program verify("verify-vimc", {"verify", "--camera", "libcamera:platform/vimc.0 Sensor B",
				       "--display", "vkms", "--frames", "10", "--json", json});
	EXPECT_EQ(verify.wait(540s), 0) << verify.out() << verify.err();
	nlohmann::json doc = readJson(json);
	EXPECT_EQ(doc["failed"], 0) << verify.out();
	EXPECT_GT(doc["passed"].get<size_t>(), 0u) << verify.out();
	for (const nlohmann::json &c : doc["cases"])
		EXPECT_NE(c["name"].get<std::string>().find("/libcamera/"), std::string::npos)
			<< c.dump(2);
}
#endif

} /* namespace primecam */

/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <expat.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "src/text_file.h"
#include "src/verify/case_filter.h"
#include "src/verify/verify_report.h"

namespace primecam {
namespace {

/* Four cases, one of each kind of row: a zero-copy pass, a CPU conversion
 * that failed two checks, an m2m pass within a tolerance, a case the
 * doctor found no path for. */
std::vector<VerifyResult> sampleResults()
{
	VerifyResult direct;
	direct.name = "YUYV/640x480/mmap/single-planar/primary";
	direct.path = VerifyPath::Direct;
	direct.verdict = VerifyVerdict::Pass;
	direct.frames = 120;
	direct.displayed = 118;
	direct.referenceCopies = 3;
	direct.sequenceGaps = 2;
	direct.driverDrops = 1;
	direct.pixels = "exact";
	direct.pixelSequence = 41;
	direct.latencyP50Ms = 20.5;
	direct.latencyP99Ms = 41.25;
	direct.latencyBoundMs = 57.0;
	direct.framebuffers = 4;
	direct.gemHandles = 4;
	direct.buffers = 4;
	direct.seconds = 5.25;

	VerifyResult convert;
	convert.name = "NV12/1280x720/dmabuf/multi-planar/overlay";
	convert.path = VerifyPath::Conversion;
	convert.verdict = VerifyVerdict::Fail;
	convert.reasons = {"pixels: frame 41 differs first at (64,0)",
			   "latency: p99 80.0 ms over the bound 57.0 ms"};
	convert.frames = 100;
	convert.displayed = 100;
	convert.conversions = 100;
	convert.pixels = "differs";
	convert.pixelsDiffering = 812;
	convert.latencyP99Ms = 80.0;
	convert.latencyBoundMs = 57.0;
	convert.fdsLeaked = 2;
	convert.seconds = 6.5;

	VerifyResult m2m;
	m2m.name = "RGB3/640x480/mmap/single-planar/primary";
	m2m.path = VerifyPath::M2m;
	m2m.verdict = VerifyVerdict::Pass;
	m2m.deviceConversions = 90;
	m2m.pixels = "within 2";
	m2m.tolerance = 2;
	m2m.latencyP99Ms = 50.0;
	m2m.latencyBoundMs = 57.0;
	m2m.seconds = 4.0;

	VerifyResult none;
	none.name = "Y10/320x240/userptr/single-planar/cursor";
	none.reasons = {"no plane of vkms scans out Y10, and no stage converts it"};
	none.seconds = 0.25;

	return {direct, convert, m2m, none};
}

std::vector<std::string> lines(const std::string &text)
{
	std::vector<std::string> out;
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);)
		out.push_back(line);
	return out;
}

/* Whether the row has `cell` at offset, after a gap of at least two
 * spaces: the column starts there and nothing spills into it. */
bool cellAt(const std::string &row, size_t offset, const std::string &cell)
{
	if (row.compare(offset, cell.size(), cell) != 0)
		return false;
	return offset >= 2 && row[offset - 1] == ' ' && row[offset - 2] == ' ';
}

TEST(VerifyTable, ColumnsAlignReasonsFollowTotalsEnd)
{
	std::vector<VerifyResult> results = sampleResults();
	std::vector<std::string> table = lines(verifyTable(results));
	/* header, 4 rows, 2 + 1 reasons, totals */
	ASSERT_EQ(table.size(), 9u);

	const std::string &header = table[0];
	size_t pathAt = header.find("path");
	size_t pixelsAt = header.find("pixels");
	size_t copiesAt = header.find("copies");
	size_t latencyAt = header.find("latency");
	size_t verdictAt = header.find("verdict");
	ASSERT_TRUE(header.starts_with("case "));
	/* The widest case name sets the path column: two spaces after it. */
	EXPECT_EQ(pathAt, results[1].name.size() + 2);

	const std::string &direct = table[1];
	EXPECT_TRUE(direct.starts_with(results[0].name));
	EXPECT_TRUE(cellAt(direct, pathAt, "direct"));
	EXPECT_TRUE(cellAt(direct, pixelsAt, "exact"));
	EXPECT_TRUE(cellAt(direct, copiesAt, "0 "));
	EXPECT_TRUE(cellAt(direct, latencyAt, "p99 41.2/57.0 ms"));
	EXPECT_TRUE(cellAt(direct, verdictAt, "pass"));

	const std::string &convert = table[2];
	EXPECT_TRUE(cellAt(convert, pathAt, "convert"));
	EXPECT_TRUE(cellAt(convert, pixelsAt, "812 differ"));
	EXPECT_TRUE(cellAt(convert, copiesAt, "100 conv"));
	EXPECT_TRUE(cellAt(convert, latencyAt, "p99 80.0/57.0 ms"));
	EXPECT_TRUE(cellAt(convert, verdictAt, "FAIL"));
	EXPECT_EQ(table[3], "    pixels: frame 41 differs first at (64,0)");
	EXPECT_EQ(table[4], "    latency: p99 80.0 ms over the bound 57.0 ms");

	/* A pass prints no reasons: the m2m row follows directly. */
	const std::string &m2m = table[5];
	EXPECT_TRUE(cellAt(m2m, pathAt, "m2m"));
	EXPECT_TRUE(cellAt(m2m, pixelsAt, "within 2"));
	EXPECT_TRUE(cellAt(m2m, copiesAt, "m2m"));
	EXPECT_TRUE(cellAt(m2m, verdictAt, "pass"));

	const std::string &none = table[6];
	for (size_t column : {pathAt, pixelsAt, copiesAt, latencyAt})
		EXPECT_TRUE(cellAt(none, column, "- ")) << "column at " << column << ": " << none;
	EXPECT_TRUE(cellAt(none, verdictAt, "n/a"));
	EXPECT_EQ(table[7], "    no plane of vkms scans out Y10, and no stage converts it");

	EXPECT_EQ(table[8], "4 cases: 2 passed, 1 failed, 1 not applicable");
	for (const std::string &line : table)
		EXPECT_NE(line.back(), ' ') << "trailing blank: '" << line << "'";
}

TEST(VerifyTable, CopiesAndLatencyCells)
{
	VerifyResult result;
	result.name = "x";
	result.path = VerifyPath::Conversion;
	result.verdict = VerifyVerdict::Pass;
	result.copies = 1;
	result.conversions = 30;
	std::vector<std::string> table = lines(verifyTable({result}));
	ASSERT_EQ(table.size(), 3u);
	size_t copiesAt = table[0].find("copies");
	size_t latencyAt = table[0].find("latency");
	EXPECT_TRUE(cellAt(table[1], copiesAt, "30 conv + 1 copy"));
	/* Nothing measured: -, not a p99 of 0.0 ms. */
	EXPECT_TRUE(cellAt(table[1], latencyAt, "- "));
	EXPECT_EQ(table[2], "1 case: 1 passed, 0 failed, 0 not applicable");

	/* A reason of two lines keeps the indent on both; its final newline
	 * makes no empty line. */
	result.verdict = VerifyVerdict::Fail;
	result.reasons = {"fds: 2 left open\n/dev/video0\n"};
	table = lines(verifyTable({result}));
	ASSERT_EQ(table.size(), 5u);
	EXPECT_EQ(table[2], "    fds: 2 left open");
	EXPECT_EQ(table[3], "    /dev/video0");
	EXPECT_EQ(table[4], "1 case: 0 passed, 1 failed, 0 not applicable");
}

TEST(VerifyJson, EveryFigureOfEveryCase)
{
	std::vector<VerifyResult> results = sampleResults();
	nlohmann::json doc = verifyJson(results);
	EXPECT_EQ(doc["passed"], 2);
	EXPECT_EQ(doc["failed"], 1);
	EXPECT_EQ(doc["not_applicable"], 1);
	ASSERT_EQ(doc["cases"].size(), 4u);

	const nlohmann::json &direct = doc["cases"][0];
	EXPECT_EQ(direct["name"], "YUYV/640x480/mmap/single-planar/primary");
	EXPECT_EQ(direct["path"], "direct");
	EXPECT_EQ(direct["verdict"], "pass");
	EXPECT_TRUE(direct["reasons"].empty());
	EXPECT_EQ(direct["frames"], 120);
	EXPECT_EQ(direct["displayed"], 118);
	EXPECT_EQ(direct["copies"], 0);
	EXPECT_EQ(direct["conversions"], 0);
	EXPECT_EQ(direct["device_conversions"], 0);
	EXPECT_EQ(direct["reference_copies"], 3);
	EXPECT_EQ(direct["sequence_gaps"], 2);
	EXPECT_EQ(direct["driver_drops"], 1);
	EXPECT_EQ(direct["pixels"], "exact");
	EXPECT_EQ(direct["tolerance"], 0);
	EXPECT_EQ(direct["pixels_differing"], 0);
	EXPECT_EQ(direct["pixel_sequence"], 41);
	EXPECT_DOUBLE_EQ(direct["latency_p50_ms"].get<double>(), 20.5);
	EXPECT_DOUBLE_EQ(direct["latency_p99_ms"].get<double>(), 41.25);
	EXPECT_DOUBLE_EQ(direct["latency_bound_ms"].get<double>(), 57.0);
	EXPECT_EQ(direct["fds_leaked"], 0);
	EXPECT_EQ(direct["framebuffers"], 4);
	EXPECT_EQ(direct["gem_handles"], 4);
	EXPECT_EQ(direct["buffers"], 4);
	EXPECT_DOUBLE_EQ(direct["seconds"].get<double>(), 5.25);
	/* Every field of VerifyResult, no more: a field added to the struct
	 * and forgotten here changes the count. */
	EXPECT_EQ(direct.size(), 26u);

	const nlohmann::json &convert = doc["cases"][1];
	EXPECT_EQ(convert["path"], "convert");
	EXPECT_EQ(convert["verdict"], "FAIL");
	ASSERT_EQ(convert["reasons"].size(), 2u);
	EXPECT_EQ(convert["reasons"][1], "latency: p99 80.0 ms over the bound 57.0 ms");
	EXPECT_EQ(convert["conversions"], 100);
	EXPECT_EQ(convert["pixels"], "differs");
	EXPECT_EQ(convert["pixels_differing"], 812);
	EXPECT_EQ(convert["fds_leaked"], 2);

	const nlohmann::json &m2m = doc["cases"][2];
	EXPECT_EQ(m2m["path"], "m2m");
	EXPECT_EQ(m2m["device_conversions"], 90);
	EXPECT_EQ(m2m["tolerance"], 2);

	const nlohmann::json &none = doc["cases"][3];
	EXPECT_TRUE(none["path"].is_null());
	EXPECT_EQ(none["verdict"], "n/a");
	EXPECT_EQ(none["reasons"][0], "no plane of vkms scans out Y10, and no stage converts it");

	/* The file's text is the same document. */
	EXPECT_EQ(nlohmann::json::parse(verifyJsonText(results)), doc);
}

TEST(VerifyJson, NameNotUtf8IsReplacedNotThrown)
{
	VerifyResult result;
	result.name = "card \xff";
	std::string text;
	ASSERT_NO_THROW(text = verifyJsonText({result}));
	EXPECT_EQ(nlohmann::json::parse(text)["cases"][0]["name"], "card \xEF\xBF\xBD");
}

/* What expat saw of a JUnit document. */
struct Junit {
	std::map<std::string, std::string> suite; /* <testsuite>'s attributes */
	int suites = 0;
	int testcases = 0;
	int failures = 0;
	int skipped = 0;
	std::vector<std::string> names;
	std::vector<std::string> failureMessages;
	std::vector<std::string> failureTexts;
	std::vector<std::string> skippedMessages;
	bool inFailure = false;
};

std::string attribute(const XML_Char **attributes, const std::string &name)
{
	for (size_t i = 0; attributes[i]; i += 2)
		if (name == attributes[i])
			return attributes[i + 1];
	return "(missing)";
}

void startElement(void *data, const XML_Char *element, const XML_Char **attributes)
{
	Junit &junit = *static_cast<Junit *>(data);
	std::string name = element;
	if (name == "testsuite") {
		++junit.suites;
		for (size_t i = 0; attributes[i]; i += 2)
			junit.suite[attributes[i]] = attributes[i + 1];
	} else if (name == "testcase") {
		++junit.testcases;
		junit.names.push_back(attribute(attributes, "name"));
		EXPECT_EQ(attribute(attributes, "classname"), "primecam.verify");
	} else if (name == "failure") {
		++junit.failures;
		junit.failureMessages.push_back(attribute(attributes, "message"));
		junit.failureTexts.emplace_back();
		junit.inFailure = true;
	} else if (name == "skipped") {
		++junit.skipped;
		junit.skippedMessages.push_back(attribute(attributes, "message"));
	}
}

void endElement(void *data, const XML_Char *)
{
	static_cast<Junit *>(data)->inFailure = false;
}

void characters(void *data, const XML_Char *text, int length)
{
	Junit &junit = *static_cast<Junit *>(data);
	if (junit.inFailure)
		junit.failureTexts.back().append(text, static_cast<size_t>(length));
}

/* Parses xml with expat; a failure to parse fails the test. */
Junit parseJunit(const std::string &xml)
{
	Junit junit;
	XML_Parser parser = XML_ParserCreate(nullptr);
	XML_SetUserData(parser, &junit);
	XML_SetElementHandler(parser, startElement, endElement);
	XML_SetCharacterDataHandler(parser, characters);
	XML_Status status = XML_Parse(parser, xml.data(), static_cast<int>(xml.size()), 1);
	EXPECT_EQ(status, XML_STATUS_OK) << XML_ErrorString(XML_GetErrorCode(parser)) << " at line "
					 << XML_GetCurrentLineNumber(parser) << " of:\n"
					 << xml;
	XML_ParserFree(parser);
	return junit;
}

TEST(VerifyJunit, ParsesAndCountsAgree)
{
	std::vector<VerifyResult> results = sampleResults();
	std::string xml = verifyJunit(results);
	EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
	Junit junit = parseJunit(xml);

	EXPECT_EQ(junit.suites, 1);
	EXPECT_EQ(junit.suite["name"], "primecam verify");
	EXPECT_EQ(junit.testcases, static_cast<int>(results.size()));
	EXPECT_EQ(junit.suite["tests"], std::to_string(junit.testcases));
	EXPECT_EQ(junit.failures, 1);
	EXPECT_EQ(junit.suite["failures"], std::to_string(junit.failures));
	EXPECT_EQ(junit.skipped, 1);
	EXPECT_EQ(junit.suite["skipped"], std::to_string(junit.skipped));
	EXPECT_EQ(junit.suite["errors"], "0");
	EXPECT_DOUBLE_EQ(std::strtod(junit.suite["time"].c_str(), nullptr), 16.0);
	ASSERT_EQ(junit.names.size(), results.size());
	for (size_t i = 0; i < results.size(); ++i)
		EXPECT_EQ(junit.names[i], results[i].name);

	ASSERT_EQ(junit.failures, 1);
	EXPECT_EQ(junit.failureMessages[0], "pixels: frame 41 differs first at (64,0)");
	EXPECT_EQ(junit.failureTexts[0], "pixels: frame 41 differs first at (64,0)\n"
					 "latency: p99 80.0 ms over the bound 57.0 ms");
	ASSERT_EQ(junit.skipped, 1);
	EXPECT_EQ(junit.skippedMessages[0],
		  "no plane of vkms scans out Y10, and no stage converts it");
}

TEST(VerifyJunit, MarkupAndControlCharactersAreEscaped)
{
	VerifyResult result;
	result.name = "a<&>\"'b";
	result.verdict = VerifyVerdict::Fail;
	/* \x01 and \x1b: forbidden in XML 1.0, dropped; tab and newline kept;
	 * \xff is not UTF-8 and comes back as U+FFFD. */
	result.reasons = {"driver said <&>\"' \x01then\x1b[0m\tdone \xff", "second\nline"};
	std::string xml = verifyJunit({result});
	EXPECT_EQ(xml.find('\x01'), std::string::npos);

	Junit junit = parseJunit(xml);
	ASSERT_EQ(junit.names.size(), 1u);
	EXPECT_EQ(junit.names[0], "a<&>\"'b");
	ASSERT_EQ(junit.failures, 1);
	EXPECT_EQ(junit.failureMessages[0], "driver said <&>\"' then[0m\tdone \xEF\xBF\xBD");
	EXPECT_EQ(junit.failureTexts[0],
		  "driver said <&>\"' then[0m\tdone \xEF\xBF\xBD\nsecond\nline");
}

TEST(VerifyJunit, NoCasesIsAnEmptySuite)
{
	Junit junit = parseJunit(verifyJunit({}));
	EXPECT_EQ(junit.suites, 1);
	EXPECT_EQ(junit.testcases, 0);
	EXPECT_EQ(junit.suite["tests"], "0");
}

TEST(VerifyCaseFilter, SubstringGlobAndLists)
{
	const std::string name = "YUYV/640x480/mmap/single-planar/primary";
	/* No wildcard: a substring, anywhere. */
	EXPECT_TRUE(verifyCaseMatches("640x480", name));
	EXPECT_TRUE(verifyCaseMatches("mmap/single", name));
	EXPECT_FALSE(verifyCaseMatches("NV12", name));
	EXPECT_FALSE(verifyCaseMatches("yuyv", name)); /* case-sensitive */
	/* A glob matches the whole name, and * crosses the /s. */
	EXPECT_TRUE(verifyCaseMatches("YUYV*primary", name));
	EXPECT_TRUE(verifyCaseMatches("*/mmap/*", name));
	EXPECT_TRUE(verifyCaseMatches("YUY[UV]/*", name));
	EXPECT_TRUE(verifyCaseMatches("YUYV/???x480*", name));
	EXPECT_FALSE(verifyCaseMatches("YUYV*overlay", name));
	EXPECT_FALSE(verifyCaseMatches("640x480*", name)); /* anchored, unlike a substring */
	/* A list: any item. */
	EXPECT_TRUE(verifyCaseMatches("NV12,640x480", name));
	EXPECT_TRUE(verifyCaseMatches("NV12/*, YUYV/*", name));
	EXPECT_FALSE(verifyCaseMatches("NV12,RGB3*,overlay", name));
	/* Empty items are skipped, not a substring that matches all. */
	EXPECT_FALSE(verifyCaseMatches("NV12,,", name));
	EXPECT_TRUE(verifyCaseMatches("", name));
}

TEST(VerifyReportFile, WriteTextFileWritesAndNamesTheFile)
{
	char dir[] = "/tmp/primecam-verify-XXXXXX";
	ASSERT_NE(mkdtemp(dir), nullptr);
	std::string path = std::string(dir) + "/junit.xml";
	std::string xml = verifyJunit(sampleResults());

	Result<void> written = writeTextFile(path, xml, "JUnit report");
	ASSERT_TRUE(written) << written.error().message;
	std::ifstream in(path);
	std::stringstream text;
	text << in.rdbuf();
	EXPECT_EQ(text.str(), xml);

	std::string missing = std::string(dir) + "/missing/junit.xml";
	Result<void> failed = writeTextFile(missing, xml, "JUnit report");
	ASSERT_FALSE(failed);
	EXPECT_EQ(failed.error().code, ENOENT);
	EXPECT_NE(failed.error().message.find("JUnit report " + missing), std::string::npos)
		<< failed.error().message;

	unlink(path.c_str());
	rmdir(dir);
}

} /* namespace */
} /* namespace primecam */

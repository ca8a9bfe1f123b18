/* SPDX-License-Identifier: MIT */
#include <string>

#include <drm_fourcc.h>
#include <gtest/gtest.h>

#include "src/config_parser.h"
#include "src/doctor.h"

namespace primecam {
namespace {

const char kVividYuyv[] = R"([source]
type = "v4l2"
device = "vivid"
format = "YUYV"
width = 640
height = 480
)";
const char kKmsSink[] = "[[sink]]\ntype = \"kms\"\ncard = \"vkms\"\n";

PipelineConfig parse(const std::string &text)
{
	Result<PipelineConfig> config = parseConfig(text, "x.toml");
	EXPECT_TRUE(config) << config.error().message;
	return config ? std::move(*config) : PipelineConfig{};
}

/* vivid's formats and vkms 6.1's primary plane, as the devices report them. */
DoctorFacts vividAndVkms(size_t sinks = 1)
{
	DoctorFacts facts;
	facts.source.name = "/dev/video0 (vivid)";
	for (const char *name : {"YUYV", "UYVY", "XRGB8888", "NV12", "BGR888"})
		facts.source.formats.push_back(formatByName(name));
	for (size_t i = 0; i < sinks; ++i) {
		SinkFacts &sink = facts.sinks.emplace_back();
		sink.name = "kms /dev/dri/card0 (vkms) primary plane";
		sink.drmFormats = {DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_RGB565,
				   DRM_FORMAT_XRGB16161616};
	}
	return facts;
}

bool mentions(const DoctorReport &report, const std::string &text)
{
	return report.text().find(text) != std::string::npos;
}

TEST(Doctor, DirectScanoutIsZeroCopy)
{
	std::string text = kVividYuyv;
	text.replace(text.find("YUYV"), 4, "XRGB8888");
	DoctorReport report = diagnose(parse(text + kKmsSink), vividAndVkms());
	EXPECT_EQ(report.verdict, DoctorVerdict::ZeroCopy) << report.text();
	EXPECT_TRUE(mentions(report, "scans out XRGB8888 directly")) << report.text();
	EXPECT_TRUE(mentions(report, "verdict: zero-copy")) << report.text();
}

/* The doctor asks the plane with the sink run would make (a TEST_ONLY commit
 * on a buffer of the frames' format and size): the answer is its verdict. */
TEST(Doctor, ThePlanesTestOnlyAnswerDecidesWithTheFramesSizeAtTheSink)
{
	std::string text = kVividYuyv;
	text.replace(text.find("YUYV"), 4, "XRGB8888");
	text.replace(text.find("640"), 3, "320");
	text.replace(text.find("480"), 3, "180");
	DoctorFacts facts = vividAndVkms();
	std::vector<std::string> asked;
	facts.sinks[0].tryPlane = [&](const PixelFormatInfo &format, uint32_t width,
				      uint32_t height) -> Result<std::string> {
		asked.push_back(std::string(format.name) + " " + sizeText(width, height));
		return std::string("plane 31 (primary) at 640x480+0+0 on mode 640x480@60");
	};
	DoctorReport placed = diagnose(parse(text + kKmsSink), facts);
	EXPECT_EQ(placed.verdict, DoctorVerdict::ZeroCopy) << placed.text();
	EXPECT_TRUE(mentions(placed, "320x180 frames on plane 31 (primary) at 640x480+0+0 on "
				     "mode 640x480@60 (TEST_ONLY commit passed)"))
		<< placed.text();

	facts.sinks[0].tryPlane = [&](const PixelFormatInfo &, uint32_t,
				      uint32_t) -> Result<std::string> {
		return Error{EINVAL, "plane 31 refused ... What would scale XRGB8888 320x180"};
	};
	DoctorReport refused = diagnose(parse(text + kKmsSink), facts);
	EXPECT_EQ(refused.verdict, DoctorVerdict::Impossible) << refused.text();
	EXPECT_TRUE(mentions(refused, "primary plane: plane 31 refused ... What would scale"))
		<< refused.text();

	/* Another client holds the display: untested, said, not impossible. */
	facts.sinks[0].tryPlane = [&](const PixelFormatInfo &, uint32_t,
				      uint32_t) -> Result<std::string> {
		return Error{EBUSY, "cannot become DRM master of /dev/dri/card0"};
	};
	DoctorReport held = diagnose(parse(text + kKmsSink), facts);
	EXPECT_EQ(held.verdict, DoctorVerdict::ZeroCopy) << held.text();
	EXPECT_TRUE(mentions(held, "the plane was not tested (cannot become DRM master of "
				   "/dev/dri/card0): run makes the same TEST_ONLY commit"))
		<< held.text();

	/* An m2m stage's size is what reaches the plane. */
	asked.clear();
	facts.sinks[0].tryPlane = [&](const PixelFormatInfo &format, uint32_t width,
				      uint32_t height) -> Result<std::string> {
		asked.push_back(std::string(format.name) + " " + sizeText(width, height));
		return std::string("somewhere");
	};
	facts.sinks[0].drmFormats.push_back(DRM_FORMAT_RGB565);
	diagnose(parse(text +
		       "[[stage]]\ntype = \"m2m\"\ndevice = \"/nonexistent\"\n"
		       "format = \"RGB565\"\nwidth = 640\nheight = 360\n" +
		       kKmsSink),
		 facts);
	/* (no such device: the stage is impossible before the sink is asked) */
	EXPECT_TRUE(asked.empty());
	diagnose(parse(text + kKmsSink), facts);
	ASSERT_EQ(asked.size(), 1u);
	EXPECT_EQ(asked[0], "XRGB8888 320x180");
}

/* A YUV plane, as a board's display has (vkms has none): the doctor says
 * which conversion the plane is told to apply, or why the colours would be
 * wrong, as run does (drm/plane_color.h). */
TEST(Doctor, YuvOnAPlaneSaysHowThePlaneConvertsIt)
{
	DoctorFacts facts = vividAndVkms();
	facts.source.encoding = YuvEncoding{YuvMatrix::Bt709, YuvRange::Limited};
	SinkFacts &sink = facts.sinks[0];
	sink.drmFormats.push_back(DRM_FORMAT_YUYV);
	KmsPlane plane;
	plane.id = 33;
	plane.type = KmsPlane::Type::Primary;
	plane.formats = {DRM_FORMAT_XRGB8888, DRM_FORMAT_YUYV};
	sink.planes = {plane};

	/* no COLOR_ENCODING: BT.709 frames would be shown as BT.601 */
	DoctorReport refused = diagnose(parse(std::string(kVividYuyv) + kKmsSink), facts);
	EXPECT_EQ(refused.verdict, DoctorVerdict::Impossible) << refused.text();
	EXPECT_TRUE(mentions(refused, "with the wrong colours: it has no COLOR_ENCODING property"))
		<< refused.text();

	DoctorReport accepted = diagnose(
		parse(std::string(kVividYuyv) + kKmsSink + "accept_plane_encoding = true\n"),
		facts);
	EXPECT_EQ(accepted.verdict, DoctorVerdict::ZeroCopy) << accepted.text();
	EXPECT_TRUE(mentions(accepted, "plane 33 (primary) converts bt709 limited frames with its "
				       "own fixed encoding (accept_plane_encoding)"))
		<< accepted.text();

	sink.planes[0].properties.properties = {
		{"COLOR_ENCODING", 90, 0, {{"ITU-R BT.601 YCbCr", 0}, {"ITU-R BT.709 YCbCr", 1}}},
		{"COLOR_RANGE", 91, 0, {{"YCbCr limited range", 0}, {"YCbCr full range", 1}}}};
	DoctorReport told = diagnose(parse(std::string(kVividYuyv) + kKmsSink), facts);
	EXPECT_EQ(told.verdict, DoctorVerdict::ZeroCopy) << told.text();
	EXPECT_TRUE(mentions(told, "sets plane 33 (primary)'s COLOR_ENCODING and COLOR_RANGE to "
				   "bt709 limited, as the frames are encoded"))
		<< told.text();
}

/* A gl-headless sink on vkms through Mesa's software rasterizer, as the
 * VM's EGL reports it. */
DoctorFacts vividAndGl(bool software)
{
	DoctorFacts facts = vividAndVkms(0);
	SinkFacts &sink = facts.sinks.emplace_back();
	sink.name = "gl-headless gbm /dev/dri/card0 (vkms) (llvmpipe)";
	sink.gl = true;
	sink.glImport = true;
	sink.glSoftware = software;
	sink.glCard = "/dev/dri/card0";
	return facts;
}

TEST(Doctor, GlSinksKnowWhereImportIsRealAndWhereFramesAreUploaded)
{
	const char gl[] = "[[sink]]\ntype = \"gl-headless\"\ncard = \"vkms\"\n";
	/* vivid's own buffers on a real GPU: imported */
	DoctorReport gpu = diagnose(parse(std::string(kVividYuyv) + gl), vividAndGl(false));
	EXPECT_EQ(gpu.verdict, DoctorVerdict::ZeroCopy) << gpu.text();
	EXPECT_TRUE(mentions(gpu, "imports each buffer once as EGLImage and draws YUYV -> RGB"))
		<< gpu.text();

	/* the same on kms_swrast: foreign buffers would crash, so uploaded */
	DoctorReport swrast = diagnose(parse(std::string(kVividYuyv) + gl), vividAndGl(true));
	EXPECT_EQ(swrast.verdict, DoctorVerdict::Copy) << swrast.text();
	EXPECT_TRUE(mentions(swrast, "uploads every frame")) << swrast.text();
	EXPECT_TRUE(mentions(swrast, "pool = \"dumb\"")) << swrast.text();

	/* captured into the card's own dumb buffers: imported for real */
	std::string dumb = std::string(kVividYuyv) + "memory = \"dmabuf\"\npool = \"dumb\"\n";
	DoctorFacts own = vividAndGl(true);
	own.source.poolCard = "/dev/dri/card0";
	DoctorReport real = diagnose(parse(dumb + gl), own);
	EXPECT_EQ(real.verdict, DoctorVerdict::ZeroCopy) << real.text();

	/* import = "upload" is a copy by request */
	DoctorReport asked = diagnose(parse(std::string(kVividYuyv) + gl + "import = \"upload\"\n"),
				      vividAndGl(false));
	EXPECT_EQ(asked.verdict, DoctorVerdict::Copy) << asked.text();

	/* a format without a shader */
	std::string bgr = kVividYuyv;
	bgr.replace(bgr.find("YUYV"), 4, "BGR888");
	DoctorReport none = diagnose(parse(bgr + gl), vividAndGl(false));
	EXPECT_EQ(none.verdict, DoctorVerdict::Impossible) << none.text();
	EXPECT_TRUE(mentions(none, "GL cannot draw BGR888")) << none.text();
}

/* The frames' encoding, where it comes from, and who converts. */
TEST(Doctor, GlSaysWhichEncodingItReadsAndWhoConverts)
{
	std::string dumb = std::string(kVividYuyv) + "memory = \"dmabuf\"\npool = \"dumb\"\n";
	const char gl[] = "[[sink]]\ntype = \"gl-headless\"\ncard = \"vkms\"\n";
	DoctorFacts facts = vividAndGl(false);
	facts.source.encoding = YuvEncoding{YuvMatrix::Bt709, YuvRange::Full};
	DoctorReport shader = diagnose(parse(dumb + gl), facts);
	EXPECT_TRUE(mentions(shader, "source: YUYV colour: bt709 full (the device's colorimetry)"))
		<< shader.text();
	EXPECT_TRUE(mentions(shader, "draws YUYV -> RGB in its shader (bt709 full, as the "
				     "frames say)"))
		<< shader.text();

	/* a real GPU converts external images itself, following the hints */
	DoctorReport driver = diagnose(parse(dumb + gl + "texture = \"external\"\n"), facts);
	EXPECT_EQ(driver.verdict, DoctorVerdict::ZeroCopy) << driver.text();
	EXPECT_TRUE(mentions(driver, "as an external texture, the driver converting it -> RGB "
				     "(bt709 full, as the frames say)"))
		<< driver.text();

	/* llvmpipe ignores the hints: only BT.601 limited frames are right */
	DoctorFacts swrast = vividAndGl(true);
	swrast.source.poolCard = "/dev/dri/card0";
	swrast.source.encoding = facts.source.encoding;
	DoctorReport ignored = diagnose(parse(dumb + gl + "texture = \"external\"\n"), swrast);
	EXPECT_EQ(ignored.verdict, DoctorVerdict::Impossible) << ignored.text();
	EXPECT_TRUE(mentions(ignored, "ignores EGL's colour-space hints")) << ignored.text();
	/* unless the config says what to read them as */
	DoctorReport overridden =
		diagnose(parse(dumb + gl +
			       "texture = \"external\"\nmatrix = \"bt601\"\nrange = "
			       "\"limited\"\n"),
			 swrast);
	EXPECT_EQ(overridden.verdict, DoctorVerdict::ZeroCopy) << overridden.text();

	/* the device not asked (controls in the config): said, not guessed */
	DoctorReport unknown = diagnose(parse(dumb + gl), vividAndGl(false));
	EXPECT_TRUE(mentions(unknown, "bt601 limited (assumed: the device was not asked)"))
		<< unknown.text();
}

TEST(Doctor, GlKmsIsAGpuPassIntoTheDisplaysBuffers)
{
	/* vkms cannot scan out YUYV; gl-kms draws it into XRGB8888 buffers */
	std::string dumb = std::string(kVividYuyv) + "memory = \"dmabuf\"\npool = \"dumb\"\n";
	const char glKms[] = "[[sink]]\ntype = \"gl-kms\"\ncard = \"vkms\"\n";
	DoctorFacts own = vividAndGl(true);
	own.sinks[0].name = "gl-kms gbm /dev/dri/card0 (vkms) (llvmpipe)";
	own.source.poolCard = "/dev/dri/card0";
	DoctorReport real = diagnose(parse(dumb + glKms), own);
	EXPECT_EQ(real.verdict, DoctorVerdict::ZeroCopy) << real.text();
	EXPECT_TRUE(mentions(real, "a GPU pass")) << real.text();
	EXPECT_TRUE(mentions(real, "display's own XRGB8888 buffers")) << real.text();
	EXPECT_TRUE(mentions(real, "no CPU copy")) << real.text();

	/* vivid's own buffers on kms_swrast: uploaded, said and counted */
	DoctorReport swrast = diagnose(parse(std::string(kVividYuyv) + glKms), vividAndGl(true));
	EXPECT_EQ(swrast.verdict, DoctorVerdict::Copy) << swrast.text();
	EXPECT_TRUE(mentions(swrast, "uploads every frame")) << swrast.text();
}

/* A format the plane cannot take: each path that would work, the hardware
 * first, as the lines that ask for it. */
TEST(Doctor, AFormatThePlaneCannotTakeNamesAMem2memDeviceThenGlThenTheCpu)
{
	std::string text = kVividYuyv;
	text.replace(text.find("YUYV"), 4, "BGR888");
	DoctorFacts facts = vividAndVkms();
	std::vector<std::string> asked;
	facts.m2mFor = [&](const ScalingNeed &need) {
		asked.push_back(std::string(need.format->name) + " " +
				sizeText(need.fromWidth, need.fromHeight) + " -> " +
				sizeText(need.toWidth, need.toHeight));
		return std::vector<M2mScaler>{{"vim2m", "/dev/video2", formatByName("RGB565")}};
	};
	DoctorReport report = diagnose(parse(text + kKmsSink), facts);
	EXPECT_EQ(report.verdict, DoctorVerdict::Impossible);
	ASSERT_EQ(asked, std::vector<std::string>{"BGR888 640x480 -> 640x480"});
	const std::string out = report.text();
	size_t m2m = out.find("add [[stage]] type = \"m2m\" device = \"vim2m\" format = "
			      "\"RGB565\" (/dev/video2, a mem2mem device: the hardware converts, "
			      "no CPU pass)");
	size_t gl = out.find("show it through a gl-kms sink instead");
	size_t cpu = out.find("or add [[stage]] type = \"convert\" format = \"XRGB8888\"");
	ASSERT_NE(m2m, std::string::npos) << out;
	ASSERT_NE(gl, std::string::npos) << out;
	ASSERT_NE(cpu, std::string::npos) << out;
	EXPECT_LT(m2m, gl);
	EXPECT_LT(gl, cpu);
}

TEST(Doctor, YuyvToVkmsWithoutAConversionIsImpossibleAndSaysTheFix)
{
	DoctorReport report = diagnose(parse(std::string(kVividYuyv) + kKmsSink), vividAndVkms());
	EXPECT_EQ(report.verdict, DoctorVerdict::Impossible);
	EXPECT_TRUE(mentions(report, "cannot scan out YUYV; it takes XRGB8888, ARGB8888, RGB565, "
				     "XRGB16161616"))
		<< report.text();
	EXPECT_TRUE(mentions(report, "add [[stage]] type = \"convert\" format = \"XRGB8888\""))
		<< report.text();
}

TEST(Doctor, ConversionStageIsNamedAsTheOneCpuPass)
{
	std::string text = std::string(kVividYuyv) + "[[stage]]\ntype = \"convert\"\n" + kKmsSink;
	DoctorReport report = diagnose(parse(text), vividAndVkms());
	EXPECT_EQ(report.verdict, DoctorVerdict::Conversion) << report.text();
	EXPECT_TRUE(mentions(report,
			     "stage[0] convert: converts YUYV -> XRGB8888 (bt601 limited, as "
			     "the frames say) with libyuv"))
		<< report.text();
	EXPECT_TRUE(mentions(report, "scans out XRGB8888 directly")) << report.text();
}

TEST(Doctor, ScaleStageSaysTheSizesAndCountsAsAConversion)
{
	std::string text = kVividYuyv;
	text.replace(text.find("YUYV"), 4, "XRGB8888");
	text.replace(text.find("640"), 3, "320");
	text.replace(text.find("480"), 3, "180");
	text += "[[stage]]\ntype = \"scale\"\nwidth = 640\nheight = 480\n";
	DoctorReport report = diagnose(parse(text + kKmsSink), vividAndVkms());
	EXPECT_EQ(report.verdict, DoctorVerdict::Conversion) << report.text();
	EXPECT_TRUE(mentions(report, "stage[0] scale: scales 320x180 -> 640x480 (XRGB8888 -> "
				     "XRGB8888, bilinear) with libyuv into its own pool: one CPU "
				     "pass per frame (counted as conversions)"))
		<< report.text();
	/* the sink sees the scaled size */
	EXPECT_TRUE(mentions(report, "scans out XRGB8888 directly, importing the buffers (PRIME): "
				     "no copy; the frames are 640x480"))
		<< report.text();

	/* YUYV in, no format: the input's, which the scaler cannot write */
	std::string yuyv = std::string(kVividYuyv) +
			   "[[stage]]\ntype = \"scale\"\nwidth = 320\nheight = 240\n" + kKmsSink;
	DoctorReport refused = diagnose(parse(yuyv), vividAndVkms());
	EXPECT_EQ(refused.verdict, DoctorVerdict::Impossible) << refused.text();
	EXPECT_TRUE(mentions(refused, "stage[0] scale: cannot take YUYV (with no format, it writes "
				      "the input's: set format to one of XRGB8888"))
		<< refused.text();

	/* with a format: converted and scaled in one stage, encoding named */
	yuyv.insert(yuyv.find("height = 240\n") + 13, "format = \"RGB565\"\n");
	DoctorReport converted = diagnose(parse(yuyv), vividAndVkms());
	EXPECT_EQ(converted.verdict, DoctorVerdict::Conversion) << converted.text();
	EXPECT_TRUE(mentions(converted, "scales 640x480 -> 320x240 (YUYV -> RGB565, bilinear, "
					"bt601 limited, as the frames say)"))
		<< converted.text();
	EXPECT_TRUE(mentions(converted, "the frames are 320x240")) << converted.text();
}

TEST(Doctor, InPlaceStagesKeepZeroCopy)
{
	std::string text = kVividYuyv;
	text.replace(text.find("YUYV"), 4, "XRGB8888");
	text += "[[stage]]\ntype = \"invert\"\n[[stage]]\ntype = \"luma\"\n";
	DoctorReport report = diagnose(parse(text + kKmsSink), vividAndVkms());
	EXPECT_EQ(report.verdict, DoctorVerdict::ZeroCopy) << report.text();
	EXPECT_TRUE(mentions(report, "stage[0] invert: changes the frame in place"))
		<< report.text();
	EXPECT_TRUE(mentions(report, "stage[1] luma: reads the frame in place")) << report.text();
}

TEST(Doctor, AFormatTheCameraDoesNotOfferIsImpossible)
{
	std::string text = kVividYuyv;
	text.replace(text.find("YUYV"), 4, "NV21");
	DoctorReport report =
		diagnose(parse(text + "[[sink]]\ntype = \"null\"\n"), vividAndVkms(0));
	EXPECT_EQ(report.verdict, DoctorVerdict::Impossible);
	EXPECT_TRUE(mentions(report, "/dev/video0 (vivid) does not capture NV21")) << report.text();
	EXPECT_TRUE(mentions(report, "offers YUYV, UYVY, XRGB8888, NV12, BGR888")) << report.text();
}

TEST(Doctor, AStageThatCannotTakeTheFormatIsImpossible)
{
	std::string text = kVividYuyv;
	text.replace(text.find("YUYV"), 4, "BGR888");
	text += "[[stage]]\ntype = \"grayscale\"\n[[sink]]\ntype = \"null\"\n";
	DoctorReport report = diagnose(parse(text), vividAndVkms(0));
	EXPECT_EQ(report.verdict, DoctorVerdict::Impossible);
	EXPECT_TRUE(mentions(report, "stage[0] grayscale: cannot take BGR888")) << report.text();
}

TEST(Doctor, Libv4l2IsACopyAndSaysSo)
{
	/* vivid lists Bayer next to the rest; a Bayer-only camera: */
	DoctorFacts facts = vividAndVkms(0);
	facts.source.formats = {formatByName("SBGGR8")};
	std::string text = kVividYuyv;
	text.replace(text.find("YUYV"), 4, "BGR888");
	std::string direct = text + "[[sink]]\ntype = \"null\"\n";
	DoctorReport report = diagnose(parse(direct), facts);
	EXPECT_EQ(report.verdict, DoctorVerdict::Impossible);
	EXPECT_TRUE(mentions(report, "libv4l2 (memory = \"libv4l2\") could emulate it"))
		<< report.text();

	text.insert(text.find("width"), "memory = \"libv4l2\"\npool = \"dma-heap\"\n");
	report = diagnose(parse(text + "[[sink]]\ntype = \"null\"\n"), facts);
	EXPECT_EQ(report.verdict, DoctorVerdict::Copy) << report.text();
	EXPECT_TRUE(mentions(report, "NOT zero-copy: libv4l2 converts the device's native format "
				     "to BGR888 in user space"))
		<< report.text();
	EXPECT_TRUE(mentions(report, "verdict: not zero-copy: a CPU copy per frame"))
		<< report.text();
}

TEST(Doctor, UnreachableDevicesAreReportedNotGuessed)
{
	DoctorFacts facts = vividAndVkms();
	facts.sinks[0].error = "no card of driver \"vkms\"";
	DoctorReport report = diagnose(parse(std::string(kVividYuyv) + kKmsSink), facts);
	EXPECT_EQ(report.verdict, DoctorVerdict::Impossible);
	EXPECT_TRUE(mentions(report, "no card of driver \"vkms\"")) << report.text();

	facts.source.error = "no video capture node of driver \"vivid\"";
	report = diagnose(parse(std::string(kVividYuyv) + kKmsSink), facts);
	EXPECT_EQ(report.verdict, DoctorVerdict::Impossible);
	EXPECT_TRUE(mentions(report, "source: no video capture node")) << report.text();
}

const char kVimcBgr[] = R"([source]
type = "libcamera"
camera = "platform/vimc.0 Sensor B"
format = "BGR888"
width = 640
height = 480
)";

/* vimc through libcamera: its viewfinder stream's formats. */
DoctorFacts vimcAndVkms()
{
	DoctorFacts facts = vividAndVkms();
	facts.source = {};
	facts.source.name = "libcamera \"platform/vimc.0 Sensor B\" (Sensor B)";
	facts.source.formats = {formatByName("BGR888"), formatByName("RGB888")};
	facts.source.notes = {"libcamera adjusts 640x480 to 636x480; the display must fit that "
			      "size"};
	return facts;
}

TEST(Doctor, LibcameraBgr888ToVkmsNeedsTheConvertStageAndSaysSo)
{
	DoctorReport report = diagnose(parse(std::string(kVimcBgr) + kKmsSink), vimcAndVkms());
	EXPECT_EQ(report.verdict, DoctorVerdict::Impossible) << report.text();
	EXPECT_TRUE(mentions(report, "offers BGR888, RGB888")) << report.text();
	EXPECT_TRUE(mentions(report, "libcamera's FrameBuffers")) << report.text();
	EXPECT_TRUE(mentions(report, "cannot scan out BGR888")) << report.text();
	EXPECT_TRUE(mentions(report, "add [[stage]] type = \"convert\" format = \"XRGB8888\""))
		<< report.text();
}

TEST(Doctor, LibcameraThroughTheConvertStageNamesTheConversionAndTheAdjustment)
{
	std::string text = std::string(kVimcBgr) + "[[stage]]\ntype = \"convert\"\n" + kKmsSink;
	DoctorReport report = diagnose(parse(text), vimcAndVkms());
	EXPECT_EQ(report.verdict, DoctorVerdict::Conversion) << report.text();
	EXPECT_TRUE(mentions(report, "stage[0] convert: converts BGR888 -> XRGB8888 with libyuv"))
		<< report.text();
	EXPECT_TRUE(mentions(report, "libcamera adjusts 640x480 to 636x480")) << report.text();
}

TEST(Doctor, LibcameraFormatTheCameraDoesNotOfferIsImpossible)
{
	std::string text = kVimcBgr;
	text.replace(text.find("BGR888"), 6, "NV12");
	DoctorReport report = diagnose(parse(text + kKmsSink), vimcAndVkms());
	EXPECT_EQ(report.verdict, DoctorVerdict::Impossible);
	EXPECT_TRUE(mentions(report, "does not capture NV12")) << report.text();
}

/* The import quirks (pipeline/import_quirks), read for the drivers the
 * devices named: a pool the sink's or the source's driver cannot use. */
TEST(Doctor, PoolsTheDriversCannotUseAreImpossibleWithTheQuirksReason)
{
	DoctorFacts facts = vividAndVkms();
	facts.source.driver = "vivid";
	facts.sinks[0].driver = "vkms";
	const char card[] = "[[sink]]\ntype = \"kms\"\ncard = \"/dev/dri/card0\"\n";
	std::string stage = "[[stage]]\ntype = \"convert\"\npool = \"udmabuf\"\n";
	DoctorReport scanout = diagnose(parse(std::string(kVividYuyv) + stage + card), facts);
	EXPECT_EQ(scanout.verdict, DoctorVerdict::Impossible) << scanout.text();
	EXPECT_TRUE(mentions(scanout, "the convert stage's pool: vkms cannot scan out udmabuf"))
		<< scanout.text();

	std::string text = kVividYuyv;
	text.replace(text.find("YUYV"), 4, "XRGB8888");
	text += "memory = \"dmabuf\"\npool = \"udmabuf\"\n";
	DoctorReport capture = diagnose(parse(text + "[[sink]]\ntype = \"null\"\n"), facts);
	EXPECT_EQ(capture.verdict, DoctorVerdict::Impossible) << capture.text();
	EXPECT_TRUE(mentions(capture, "source: vivid cannot capture into udmabuf"))
		<< capture.text();
}

} /* namespace */
} /* namespace primecam */

/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <string>

#include <gtest/gtest.h>
#include <libdrm/drm_fourcc.h>
#include <linux/videodev2.h>

#include "base/frame_layout.h"

using primecam::ColourPlane;
using primecam::FrameLayout;
using primecam::KernelFormat;
using primecam::kernelFormatFrom;
using primecam::layoutFromKernel;
using primecam::MemoryPlaneFormat;
using primecam::Result;

namespace {

/* What G_FMT on a single-planar queue returns. */
v4l2_format singlePlanar(uint32_t fourcc, uint32_t width, uint32_t height, uint32_t bytesperline,
			 uint32_t sizeimage, v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE)
{
	v4l2_format fmt;
	memset(&fmt, 0, sizeof(fmt));
	fmt.type = type;
	fmt.fmt.pix.pixelformat = fourcc;
	fmt.fmt.pix.width = width;
	fmt.fmt.pix.height = height;
	fmt.fmt.pix.bytesperline = bytesperline;
	fmt.fmt.pix.sizeimage = sizeimage;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	return fmt;
}

/* What G_FMT on an _MPLANE queue returns. */
v4l2_format multiPlanar(uint32_t fourcc, uint32_t width, uint32_t height,
			std::initializer_list<MemoryPlaneFormat> planes,
			v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)
{
	v4l2_format fmt;
	memset(&fmt, 0, sizeof(fmt));
	fmt.type = type;
	fmt.fmt.pix_mp.pixelformat = fourcc;
	fmt.fmt.pix_mp.width = width;
	fmt.fmt.pix_mp.height = height;
	fmt.fmt.pix_mp.field = V4L2_FIELD_NONE;
	fmt.fmt.pix_mp.num_planes = static_cast<uint8_t>(planes.size());
	unsigned i = 0;
	for (const MemoryPlaneFormat &p : planes) {
		fmt.fmt.pix_mp.plane_fmt[i].bytesperline = p.bytesperline;
		fmt.fmt.pix_mp.plane_fmt[i].sizeimage = p.sizeimage;
		i++;
	}
	return fmt;
}

Result<FrameLayout> layout(const v4l2_format &fmt)
{
	return layoutFromKernel(kernelFormatFrom(fmt));
}

void expectPlane(const FrameLayout &l, unsigned i, ColourPlane want)
{
	SCOPED_TRACE("colour plane " + std::to_string(i));
	ASSERT_LT(i, l.numColourPlanes);
	EXPECT_EQ(l.planes[i].memoryPlane, want.memoryPlane);
	EXPECT_EQ(l.planes[i].offset, want.offset);
	EXPECT_EQ(l.planes[i].stride, want.stride);
	EXPECT_EQ(l.planes[i].length, want.length);
}

/* The error carries the errno and a message with every listed fragment. */
void expectError(const Result<FrameLayout> &r, int code, std::initializer_list<const char *> parts)
{
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().code, code);
	for (const char *part : parts)
		EXPECT_NE(r.error().message.find(part), std::string::npos)
			<< "\"" << part << "\" not in: " << r.error().message;
}

} /* namespace */

TEST(FrameLayout, Nv12Unpadded)
{
	auto r = layout(singlePlanar(V4L2_PIX_FMT_NV12, 640, 480, 640, 460800));
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(r->format->drm, DRM_FORMAT_NV12);
	EXPECT_EQ(r->numMemoryPlanes, 1u);
	EXPECT_EQ(r->memoryPlaneSizes[0], 460800u);
	ASSERT_EQ(r->numColourPlanes, 2u);
	expectPlane(*r, 0, {0, 0, 640, 640 * 480});
	expectPlane(*r, 1, {0, 640 * 480, 640, 640 * 240});
}

TEST(FrameLayout, Nv12PaddedStrideIsKept)
{
	/* A driver aligning lines to 64 bytes: the chroma plane starts after 704 * 480. */
	auto r = layout(singlePlanar(V4L2_PIX_FMT_NV12, 640, 480, 704, 704 * 480 * 3 / 2));
	ASSERT_TRUE(r.ok()) << r.error().message;
	expectPlane(*r, 0, {0, 0, 704, 704 * 480});
	expectPlane(*r, 1, {0, 704 * 480, 704, 704 * 240});
}

TEST(FrameLayout, Nv12SizeimageLargerThanNeeded)
{
	/* Drivers may round sizeimage up (to a page); the planes stay where they are. */
	auto r = layout(singlePlanar(V4L2_PIX_FMT_NV12, 640, 480, 704, 512000));
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(r->memoryPlaneSizes[0], 512000u);
	expectPlane(*r, 1, {0, 704 * 480, 704, 704 * 240});
}

TEST(FrameLayout, Yuv420PaddedChromaStrideIsHalf)
{
	const uint32_t size = 768 * 480 + 2 * 384 * 240;
	auto r = layout(singlePlanar(V4L2_PIX_FMT_YUV420, 640, 480, 768, size));
	ASSERT_TRUE(r.ok()) << r.error().message;
	ASSERT_EQ(r->numColourPlanes, 3u);
	expectPlane(*r, 0, {0, 0, 768, 768 * 480});
	expectPlane(*r, 1, {0, 768 * 480, 384, 384 * 240});
	expectPlane(*r, 2, {0, 768 * 480 + 384 * 240, 384, 384 * 240});
}

TEST(FrameLayout, Yvu420PaddedSameGeometry)
{
	const uint32_t size = 768 * 480 + 2 * 384 * 240;
	auto r = layout(singlePlanar(V4L2_PIX_FMT_YVU420, 640, 480, 768, size));
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(r->format->drm, DRM_FORMAT_YVU420);
	expectPlane(*r, 2, {0, 768 * 480 + 384 * 240, 384, 384 * 240});
}

TEST(FrameLayout, Yuv420OddSizeRoundsChromaUp)
{
	/* 641x481: 321x241 chroma samples; bytesperline padded to 656. */
	const uint32_t cb = 656 * 481;
	const uint32_t cr = cb + 328 * 241;
	auto r = layout(singlePlanar(V4L2_PIX_FMT_YUV420, 641, 481, 656, cr + 328 * 241));
	ASSERT_TRUE(r.ok()) << r.error().message;
	expectPlane(*r, 0, {0, 0, 656, 656 * 481});
	expectPlane(*r, 1, {0, cb, 328, 328 * 241});
	expectPlane(*r, 2, {0, cr, 328, 328 * 241});
}

TEST(FrameLayout, Yuv420OddWidthAsV4l2FillPixfmtReportsIt)
{
	/*
	 * The kernel's v4l2_fill_pixfmt() gives bytesperline 641 and sizeimage
	 * 641 * 481 + 2 * 321 * 241 for 641x481: the chroma stride is 321.
	 */
	const uint32_t size = 641 * 481 + 2 * 321 * 241;
	auto r = layout(singlePlanar(V4L2_PIX_FMT_YUV420, 641, 481, 641, size));
	ASSERT_TRUE(r.ok()) << r.error().message;
	expectPlane(*r, 1, {0, 641 * 481, 321, 321 * 241});
	expectPlane(*r, 2, {0, 641 * 481 + 321 * 241, 321, 321 * 241});

	expectError(layout(singlePlanar(V4L2_PIX_FMT_YUV420, 641, 481, 641, size - 1)), EINVAL,
		    {"sizeimage is 463042"});
}

TEST(FrameLayout, Nv12OddWidthUnpaddedIsInconsistent)
{
	/*
	 * NV12 chroma lines are as long as luma lines, but 641 pixels need 321
	 * CbCr pairs = 642 bytes: no chroma stride fits, the format is unusable.
	 */
	expectError(layout(singlePlanar(V4L2_PIX_FMT_NV12, 641, 480, 641, 641 * 720)), EINVAL,
		    {"NV12", "plane 1", "641", "642"});
	/* Padded to an even stride, it works. */
	auto r = layout(singlePlanar(V4L2_PIX_FMT_NV12, 641, 481, 704, 704 * (481 + 241)));
	ASSERT_TRUE(r.ok()) << r.error().message;
	expectPlane(*r, 1, {0, 704 * 481, 704, 704 * 241});
}

TEST(FrameLayout, Nv16ChromaHasFullHeight)
{
	auto r = layout(singlePlanar(V4L2_PIX_FMT_NV16, 640, 480, 672, 672 * 480 * 2));
	ASSERT_TRUE(r.ok()) << r.error().message;
	expectPlane(*r, 0, {0, 0, 672, 672 * 480});
	expectPlane(*r, 1, {0, 672 * 480, 672, 672 * 480});

	/* NV61 is the same geometry, Cr first. */
	auto s = layout(singlePlanar(V4L2_PIX_FMT_NV61, 640, 480, 640, 640 * 480 * 2));
	ASSERT_TRUE(s.ok()) << s.error().message;
	EXPECT_EQ(s->format->drm, DRM_FORMAT_NV61);
	expectPlane(*s, 1, {0, 640 * 480, 640, 640 * 480});
}

TEST(FrameLayout, Yuv422pPadded)
{
	const uint32_t size = 704 * 480 + 2 * 352 * 480;
	auto r = layout(singlePlanar(V4L2_PIX_FMT_YUV422P, 640, 480, 704, size));
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(r->format->drm, DRM_FORMAT_YUV422);
	expectPlane(*r, 1, {0, 704 * 480, 352, 352 * 480});
	expectPlane(*r, 2, {0, 704 * 480 + 352 * 480, 352, 352 * 480});
}

TEST(FrameLayout, YuyvPaddedStride)
{
	auto r = layout(singlePlanar(V4L2_PIX_FMT_YUYV, 640, 480, 1344, 1344 * 480));
	ASSERT_TRUE(r.ok()) << r.error().message;
	ASSERT_EQ(r->numColourPlanes, 1u);
	expectPlane(*r, 0, {0, 0, 1344, 1344 * 480});
}

TEST(FrameLayout, Xr24SinglePlanar)
{
	auto r = layout(singlePlanar(V4L2_PIX_FMT_XBGR32, 1920, 1080, 7680, 7680 * 1080));
	ASSERT_TRUE(r.ok()) << r.error().message;
	/* V4L2 'XR24' (XBGR32) is DRM XRGB8888. */
	EXPECT_EQ(r->format->drm, DRM_FORMAT_XRGB8888);
	EXPECT_EQ(r->width, 1920u);
	EXPECT_EQ(r->height, 1080u);
	EXPECT_EQ(r->numMemoryPlanes, 1u);
	expectPlane(*r, 0, {0, 0, 7680, 7680 * 1080});
}

TEST(FrameLayout, BayerPaddedStride)
{
	auto r = layout(singlePlanar(V4L2_PIX_FMT_SBGGR8, 640, 480, 672, 672 * 480));
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_TRUE(r->format->bayer);
	expectPlane(*r, 0, {0, 0, 672, 672 * 480});
}

TEST(FrameLayout, Nv12mTwoMemoryPlanesOwnStrides)
{
	auto r = layout(multiPlanar(V4L2_PIX_FMT_NV12M, 640, 480,
				    {{640, 640 * 480}, {768, 768 * 240 + 4096}}));
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(r->format->drm, DRM_FORMAT_NV12);
	EXPECT_EQ(r->numMemoryPlanes, 2u);
	EXPECT_EQ(r->memoryPlaneSizes[0], 640u * 480);
	EXPECT_EQ(r->memoryPlaneSizes[1], 768u * 240 + 4096);
	expectPlane(*r, 0, {0, 0, 640, 640 * 480});
	expectPlane(*r, 1, {1, 0, 768, 768 * 240});
}

TEST(FrameLayout, Yuv420mThreeMemoryPlanes)
{
	auto r = layout(multiPlanar(V4L2_PIX_FMT_YUV420M, 641, 481,
				    {{704, 704 * 481}, {384, 384 * 241}, {352, 352 * 241}}));
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(r->numMemoryPlanes, 3u);
	expectPlane(*r, 0, {0, 0, 704, 704 * 481});
	expectPlane(*r, 1, {1, 0, 384, 384 * 241});
	expectPlane(*r, 2, {2, 0, 352, 352 * 241});
}

TEST(FrameLayout, MplaneApiContiguousNv12)
{
	/* The _MPLANE API with the NV12 fourcc: one buffer, planes as in single-planar. */
	auto r = layout(multiPlanar(V4L2_PIX_FMT_NV12, 640, 480, {{704, 704 * 720}},
				    V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE));
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(r->numMemoryPlanes, 1u);
	expectPlane(*r, 0, {0, 0, 704, 704 * 480});
	expectPlane(*r, 1, {0, 704 * 480, 704, 704 * 240});
}

TEST(FrameLayout, MplaneApiPackedFormat)
{
	auto r = layout(multiPlanar(V4L2_PIX_FMT_YUYV, 640, 480, {{1344, 1344 * 480}}));
	ASSERT_TRUE(r.ok()) << r.error().message;
	expectPlane(*r, 0, {0, 0, 1344, 1344 * 480});
}

TEST(FrameLayout, SizeimageTooSmall)
{
	/* Enough for 640-byte lines, not for the reported 704. */
	expectError(
		layout(singlePlanar(V4L2_PIX_FMT_NV12, 640, 480, 704, 460800)), EINVAL,
		{"NV12", "640x480", "bytesperline 704", "506880", "sizeimage is 460800", "EINVAL"});
	expectError(layout(singlePlanar(V4L2_PIX_FMT_YUYV, 640, 480, 1280, 1280 * 480 - 1)), EINVAL,
		    {"YUYV", "614400"});
}

TEST(FrameLayout, MplaneSizeimageTooSmall)
{
	expectError(layout(multiPlanar(V4L2_PIX_FMT_NV12M, 640, 480,
				       {{640, 640 * 480}, {704, 640 * 240}})),
		    EINVAL, {"NM12", "plane 1", "704 x 240", "168960", "153600"});
}

TEST(FrameLayout, BytesperlineTooSmall)
{
	expectError(layout(singlePlanar(V4L2_PIX_FMT_XBGR32, 640, 480, 2000, 2560 * 480)), EINVAL,
		    {"XR24", "XRGB8888", "stride 2000", "2560"});
	/* Odd-width YUYV needs a whole 4-byte block for the last pixel. */
	expectError(layout(singlePlanar(V4L2_PIX_FMT_YUYV, 641, 480, 1282, 1284 * 480)), EINVAL,
		    {"1282", "1284"});
	/* A non-contiguous chroma plane is checked against its own minimum. */
	expectError(layout(multiPlanar(V4L2_PIX_FMT_NV12M, 640, 480,
				       {{640, 640 * 480}, {320, 320 * 240}})),
		    EINVAL, {"plane 1", "stride 320", "640"});
}

TEST(FrameLayout, MemoryPlaneCountMustMatch)
{
	/* NV12M is one buffer per colour plane. */
	expectError(layout(multiPlanar(V4L2_PIX_FMT_NV12M, 640, 480, {{640, 640 * 720}})), EINVAL,
		    {"NM12", "1 memory planes", "2 colour planes"});
	/* NV12 is one buffer. */
	expectError(layout(multiPlanar(V4L2_PIX_FMT_NV12, 640, 480,
				       {{640, 640 * 480}, {640, 640 * 240}})),
		    EINVAL, {"NV12", "reported 2"});
	/* 'M' formats cannot come through the single-planar API. */
	expectError(layout(singlePlanar(V4L2_PIX_FMT_NV12M, 640, 480, 640, 640 * 720)), EINVAL,
		    {"single-planar"});
}

TEST(FrameLayout, UnknownFourcc)
{
	expectError(layout(singlePlanar(V4L2_PIX_FMT_MJPEG, 640, 480, 0, 100000)), ENOTSUP,
		    {"MJPG", "640x480"});
	expectError(layout(singlePlanar(0, 640, 480, 2560, 2560 * 480)), ENOTSUP, {"(0x00000000)"});
}

TEST(FrameLayout, EmptyImage)
{
	expectError(layout(singlePlanar(V4L2_PIX_FMT_NV12, 0, 480, 640, 460800)), EINVAL,
		    {"0x480"});
}

TEST(FrameLayout, KernelFormatFromSinglePlanar)
{
	KernelFormat kf = kernelFormatFrom(
		singlePlanar(V4L2_PIX_FMT_NV12, 640, 480, 704, 506880, V4L2_BUF_TYPE_VIDEO_OUTPUT));
	EXPECT_EQ(kf.fourcc, V4L2_PIX_FMT_NV12);
	EXPECT_EQ(kf.width, 640u);
	EXPECT_EQ(kf.height, 480u);
	EXPECT_FALSE(kf.mplane);
	EXPECT_EQ(kf.numMemoryPlanes, 1u);
	EXPECT_EQ(kf.memoryPlanes[0].bytesperline, 704u);
	EXPECT_EQ(kf.memoryPlanes[0].sizeimage, 506880u);
}

TEST(FrameLayout, KernelFormatFromMplane)
{
	KernelFormat kf = kernelFormatFrom(multiPlanar(
		V4L2_PIX_FMT_YUV420M, 1280, 720, {{1280, 921600}, {672, 241920}, {640, 230400}}));
	EXPECT_EQ(kf.fourcc, V4L2_PIX_FMT_YUV420M);
	EXPECT_EQ(kf.width, 1280u);
	EXPECT_EQ(kf.height, 720u);
	EXPECT_TRUE(kf.mplane);
	EXPECT_EQ(kf.numMemoryPlanes, 3u);
	EXPECT_EQ(kf.memoryPlanes[0].bytesperline, 1280u);
	EXPECT_EQ(kf.memoryPlanes[1].bytesperline, 672u);
	EXPECT_EQ(kf.memoryPlanes[1].sizeimage, 241920u);
	EXPECT_EQ(kf.memoryPlanes[2].bytesperline, 640u);
	EXPECT_EQ(kf.memoryPlanes[2].sizeimage, 230400u);
}

TEST(FrameLayout, KernelFormatFromOtherBufferTypes)
{
	v4l2_format fmt;
	memset(&fmt, 0, sizeof(fmt));
	fmt.type = V4L2_BUF_TYPE_META_CAPTURE;
	fmt.fmt.meta.dataformat = V4L2_PIX_FMT_NV12; /* must not be read as pix */
	fmt.fmt.meta.buffersize = 4096;
	KernelFormat kf = kernelFormatFrom(fmt);
	EXPECT_EQ(kf.fourcc, 0u);
	EXPECT_EQ(kf.numMemoryPlanes, 0u);
	EXPECT_FALSE(layoutFromKernel(kf).ok());
}

TEST(FrameLayout, KernelFormatFromTooManyPlanes)
{
	/* A corrupt num_planes must neither be read past plane_fmt nor accepted. */
	v4l2_format fmt =
		multiPlanar(V4L2_PIX_FMT_NV12M, 640, 480, {{640, 640 * 480}, {640, 640 * 240}});
	fmt.fmt.pix_mp.num_planes = 200;
	KernelFormat kf = kernelFormatFrom(fmt);
	EXPECT_EQ(kf.numMemoryPlanes, 200u);
	expectError(layoutFromKernel(kf), EINVAL, {"200 memory planes"});
}

namespace {

/* A 640x480 YUYV (or another fourcc) format with the given colorimetry. */
v4l2_format withColorimetry(uint32_t colorspace, uint32_t ycbcrEnc, uint32_t quantization,
			    uint32_t fourcc = V4L2_PIX_FMT_YUYV)
{
	v4l2_format fmt = singlePlanar(fourcc, 640, 480, 1280, 1280 * 480);
	fmt.fmt.pix.colorspace = colorspace;
	fmt.fmt.pix.ycbcr_enc = ycbcrEnc;
	fmt.fmt.pix.quantization = quantization;
	return fmt;
}

primecam::YuvEncoding encodingOf(const v4l2_format &fmt)
{
	Result<FrameLayout> l = layout(fmt);
	EXPECT_TRUE(l.ok()) << l.error().message;
	return l.ok() ? l->encoding : primecam::YuvEncoding{};
}

} /* namespace */

using primecam::YuvEncoding;
using primecam::YuvMatrix;
using primecam::YuvRange;

/* Defaults resolved the kernel's way (V4L2_MAP_*_DEFAULT). */
TEST(FrameLayout, ColorimetryDefaultsFollowTheColorspace)
{
	/* sRGB (webcams, vivid's "Webcam" input): BT.601, limited */
	EXPECT_EQ(encodingOf(withColorimetry(V4L2_COLORSPACE_SRGB, 0, 0)),
		  (YuvEncoding{YuvMatrix::Bt601, YuvRange::Limited}));
	/* SDTV */
	EXPECT_EQ(encodingOf(withColorimetry(V4L2_COLORSPACE_SMPTE170M, 0, 0)),
		  (YuvEncoding{YuvMatrix::Bt601, YuvRange::Limited}));
	/* JPEG (MJPEG webcams decoded): BT.601, full */
	EXPECT_EQ(encodingOf(withColorimetry(V4L2_COLORSPACE_JPEG, 0, 0)),
		  (YuvEncoding{YuvMatrix::Bt601, YuvRange::Full}));
	/* HDTV and DCI-P3: BT.709 */
	EXPECT_EQ(encodingOf(withColorimetry(V4L2_COLORSPACE_REC709, 0, 0)),
		  (YuvEncoding{YuvMatrix::Bt709, YuvRange::Limited}));
	EXPECT_EQ(encodingOf(withColorimetry(V4L2_COLORSPACE_DCI_P3, 0, 0)),
		  (YuvEncoding{YuvMatrix::Bt709, YuvRange::Limited}));
	EXPECT_EQ(encodingOf(withColorimetry(V4L2_COLORSPACE_BT2020, 0, 0)),
		  (YuvEncoding{YuvMatrix::Bt2020, YuvRange::Limited}));
	/* No colorspace at all (an old driver): BT.601 limited */
	EXPECT_EQ(encodingOf(withColorimetry(V4L2_COLORSPACE_DEFAULT, 0, 0)), YuvEncoding{});
}

TEST(FrameLayout, ExplicitColorimetryWinsOverTheColorspace)
{
	EXPECT_EQ(encodingOf(withColorimetry(V4L2_COLORSPACE_SRGB, V4L2_YCBCR_ENC_709,
					     V4L2_QUANTIZATION_FULL_RANGE)),
		  (YuvEncoding{YuvMatrix::Bt709, YuvRange::Full}));
	EXPECT_EQ(encodingOf(withColorimetry(V4L2_COLORSPACE_JPEG, 0, V4L2_QUANTIZATION_LIM_RANGE)),
		  (YuvEncoding{YuvMatrix::Bt601, YuvRange::Limited}));
	/* xvYCC shares its matrix with BT.601 / BT.709 */
	EXPECT_EQ(encodingOf(withColorimetry(V4L2_COLORSPACE_REC709, V4L2_YCBCR_ENC_XV601, 0)),
		  (YuvEncoding{YuvMatrix::Bt601, YuvRange::Limited}));
	EXPECT_EQ(encodingOf(withColorimetry(V4L2_COLORSPACE_SRGB, V4L2_YCBCR_ENC_XV709, 0)),
		  (YuvEncoding{YuvMatrix::Bt709, YuvRange::Limited}));
	/* the multi-planar API carries the same fields */
	v4l2_format mp = multiPlanar(V4L2_PIX_FMT_NV12M, 64, 48, {{64, 64 * 48}, {64, 64 * 24}});
	mp.fmt.pix_mp.ycbcr_enc = V4L2_YCBCR_ENC_BT2020;
	mp.fmt.pix_mp.quantization = V4L2_QUANTIZATION_FULL_RANGE;
	EXPECT_EQ(encodingOf(mp), (YuvEncoding{YuvMatrix::Bt2020, YuvRange::Full}));
}

TEST(FrameLayout, ColorimetryNoConverterReadsIsRefusedForYuvOnly)
{
	expectError(layout(withColorimetry(V4L2_COLORSPACE_SMPTE240M, 0, 0)), ENOTSUP,
		    {"YUYV 640x480", "SMPTE 240M", "BT.601, BT.709, BT.2020"});
	expectError(
		layout(withColorimetry(V4L2_COLORSPACE_BT2020, V4L2_YCBCR_ENC_BT2020_CONST_LUM, 0)),
		ENOTSUP, {"BT.2020 constant luminance"});
	expectError(layout(withColorimetry(V4L2_COLORSPACE_SRGB, 0, 7)), ENOTSUP,
		    {"unknown quantization 7"});
	/* RGB frames carry no Y'CbCr: whatever the fields say is not read */
	v4l2_format rgb = withColorimetry(V4L2_COLORSPACE_SMPTE240M, V4L2_YCBCR_ENC_SMPTE240M, 7,
					  V4L2_PIX_FMT_XBGR32);
	rgb.fmt.pix.bytesperline = 2560;
	rgb.fmt.pix.sizeimage = 2560 * 480;
	Result<FrameLayout> l = layout(rgb);
	ASSERT_TRUE(l.ok()) << l.error().message;
	EXPECT_EQ(l->encoding, YuvEncoding{});
}

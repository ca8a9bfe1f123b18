/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "src/png_file.h"

namespace primecam {
namespace {

class PngFile : public testing::Test
{
protected:
	void SetUp() override { ASSERT_NE(mkdtemp(dir_), nullptr); }
	void TearDown() override
	{
		unlink(path().c_str());
		rmdir(dir_);
	}
	std::string path() const { return std::string(dir_) + "/snap.png"; }

	char dir_[32] = "/tmp/primecam-png-XXXXXX";
};

/* A pixel's R, G, B from its coordinates: every pixel differs from its
 * neighbours, so a swapped channel, row or stride shows. */
uint8_t red(uint32_t x, uint32_t y)
{
	return static_cast<uint8_t>(x * 7 + y);
}
uint8_t green(uint32_t x, uint32_t y)
{
	return static_cast<uint8_t>(x + y * 5);
}
uint8_t blue(uint32_t x, uint32_t y)
{
	return static_cast<uint8_t>(x * y + 3);
}

TEST_F(PngFile, Xrgb8888RoundTripsAsRgbDroppingPaddingAndX)
{
	Image image;
	image.format = formatByName("XRGB8888");
	image.width = 33;
	image.height = 17;
	image.stride = 33 * 4 + 12; /* padded, like a driver's bytesperline */
	image.data.assign(static_cast<size_t>(image.stride) * image.height, 0xee);
	for (uint32_t y = 0; y < image.height; ++y) {
		for (uint32_t x = 0; x < image.width; ++x) {
			uint8_t *p = &image.data[y * image.stride + x * 4];
			/* XRGB8888 is B, G, R, X in memory. */
			p[0] = blue(x, y);
			p[1] = green(x, y);
			p[2] = red(x, y);
			p[3] = 0; /* X: must not turn into transparency */
		}
	}
	Result<void> written = writePng(image, path());
	ASSERT_TRUE(written) << written.error().message;

	Result<Image> back = readPng(path());
	ASSERT_TRUE(back) << back.error().message;
	EXPECT_EQ(back->format, formatByName("BGR888"));
	ASSERT_EQ(back->width, 33u);
	ASSERT_EQ(back->height, 17u);
	ASSERT_EQ(back->stride, 33u * 3);
	ASSERT_EQ(back->data.size(), 33u * 3 * 17);
	for (uint32_t y = 0; y < image.height; ++y) {
		for (uint32_t x = 0; x < image.width; ++x) {
			const uint8_t *p = &back->data[y * back->stride + x * 3];
			ASSERT_EQ(p[0], red(x, y)) << x << "," << y;
			ASSERT_EQ(p[1], green(x, y)) << x << "," << y;
			ASSERT_EQ(p[2], blue(x, y)) << x << "," << y;
		}
	}
}

TEST_F(PngFile, OtherRgbLayoutsConvert)
{
	struct Case {
		const char *format;
		std::vector<uint8_t> pixel; /* one pixel of R=0x12 G=0x34 B=0x56 */
	};
	const Case cases[] = {
		{"ARGB8888", {0x56, 0x34, 0x12, 0xff}},
		{"XBGR8888", {0x12, 0x34, 0x56, 0x00}},
		{"ABGR8888", {0x12, 0x34, 0x56, 0x80}},
		{"BGRX8888", {0x00, 0x12, 0x34, 0x56}},
		{"BGRA8888", {0x00, 0x12, 0x34, 0x56}},
		{"RGB888", {0x56, 0x34, 0x12}},
		{"BGR888", {0x12, 0x34, 0x56}},
		{"XRGB16161616", {0x00, 0x56, 0x00, 0x34, 0x00, 0x12, 0x00, 0x00}},
	};
	for (const Case &c : cases) {
		Image image;
		image.format = formatByName(c.format);
		ASSERT_NE(image.format, nullptr) << c.format;
		image.width = 1;
		image.height = 1;
		image.stride = static_cast<uint32_t>(c.pixel.size());
		image.data = c.pixel;
		Result<void> written = writePng(image, path());
		ASSERT_TRUE(written) << c.format << ": " << written.error().message;
		Result<Image> back = readPng(path());
		ASSERT_TRUE(back) << back.error().message;
		EXPECT_EQ(back->data, (std::vector<uint8_t>{0x12, 0x34, 0x56})) << c.format;
	}
}

TEST_F(PngFile, Rgb565ExpandsToFullScale)
{
	Image image;
	image.format = formatByName("RGB565");
	image.width = 2;
	image.height = 1;
	image.stride = 4;
	/* white, then pure red: little-endian 0xffff and 0xf800 */
	image.data = {0xff, 0xff, 0x00, 0xf8};
	ASSERT_TRUE(writePng(image, path()));
	Result<Image> back = readPng(path());
	ASSERT_TRUE(back);
	EXPECT_EQ(back->data, (std::vector<uint8_t>{255, 255, 255, 255, 0, 0}));
}

TEST_F(PngFile, RefusesWhatItCannotWrite)
{
	Image image;
	image.format = formatByName("NV12");
	image.width = 4;
	image.height = 4;
	image.stride = 4;
	image.data.resize(24);
	Result<void> written = writePng(image, path());
	ASSERT_FALSE(written);
	EXPECT_EQ(written.error().code, ENOTSUP);
	EXPECT_NE(written.error().message.find("NV12"), std::string::npos);
	EXPECT_NE(written.error().message.find(path()), std::string::npos);

	image.format = formatByName("XRGB8888");
	image.stride = 4 * 4;
	image.data.resize(4 * 4 * 3); /* one row short */
	written = writePng(image, path());
	ASSERT_FALSE(written);
	EXPECT_EQ(written.error().code, EINVAL);

	image.data.resize(4 * 4 * 4);
	image.stride = 15; /* shorter than a line */
	EXPECT_FALSE(writePng(image, path()));

	image.stride = 16;
	image.width = 0;
	EXPECT_FALSE(writePng(image, path()));

	image.width = 4;
	image.format = nullptr;
	EXPECT_FALSE(writePng(image, path()));
	EXPECT_EQ(access(path().c_str(), F_OK), -1) << "a failed write left a file";
}

TEST_F(PngFile, FileErrorsNameThePathAndErrno)
{
	Image image;
	image.format = formatByName("XRGB8888");
	image.width = 1;
	image.height = 1;
	image.stride = 4;
	image.data.resize(4);
	Result<void> written = writePng(image, std::string(dir_) + "/no/such/dir.png");
	ASSERT_FALSE(written);
	EXPECT_EQ(written.error().code, ENOENT);
	EXPECT_NE(written.error().message.find("/no/such/dir.png"), std::string::npos);

	Result<Image> read = readPng(std::string(dir_) + "/missing.png");
	ASSERT_FALSE(read);
	EXPECT_EQ(read.error().code, ENOENT);

	FILE *f = fopen(path().c_str(), "w");
	ASSERT_NE(f, nullptr);
	fputs("not a png at all", f);
	fclose(f);
	read = readPng(path());
	ASSERT_FALSE(read);
	EXPECT_EQ(read.error().code, EINVAL);
	EXPECT_NE(read.error().message.find(path()), std::string::npos);
}

} /* namespace */
} /* namespace primecam */

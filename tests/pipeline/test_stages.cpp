/* SPDX-License-Identifier: MIT */
#include <cstring>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "base/mapping.h"
#include "pipeline/buffer_pool.h"
#include "pipeline/import_quirks.h"
#include "pipeline/stages/convert_stage.h"
#include "pipeline/stages/frame_sync.h"
#include "pipeline/stages/grayscale_stage.h"
#include "pipeline/stages/invert_stage.h"
#include "pipeline/stages/luma_stage.h"
#include "pipeline/stages/mapped_buffers.h"
#include "pipeline/stages/overlay_stage.h"
#include "pipeline/stages/scale_stage.h"
#include "tests/pipeline/stage_test_util.h"

using namespace primecam;
using primecam::test::MemfdBuffer;
using primecam::test::SyncLog;

namespace {

const PixelFormatInfo &fmt(const char *name)
{
	const PixelFormatInfo *info = formatByName(name);
	EXPECT_NE(info, nullptr) << name;
	return *info;
}

/* The bytes of a memfd buffer, through a mapping of our own. */
std::vector<uint8_t> contents(const MemfdBuffer &b)
{
	Result<Mapping> map = Mapping::map(b.memory.fd(), b.memory.size(), Mapping::Read);
	EXPECT_TRUE(map);
	return {map->data().begin(), map->data().end()};
}

void fill(const MemfdBuffer &b, uint32_t seed)
{
	Result<Mapping> map = Mapping::map(b.memory.fd(), b.memory.size(), Mapping::ReadWrite);
	ASSERT_TRUE(map);
	for (size_t i = 0; i < map->size(); ++i) {
		seed = seed * 1103515245u + 12345u;
		map->data()[i] = static_cast<uint8_t>(seed >> 16);
	}
}

class StageTest : public ::testing::Test
{
protected:
	void SetUp() override { SyncLog::calls().clear(); }
};

TEST_F(StageTest, InvertFlipsColourBytesOnlyAndLeavesPaddingAlone)
{
	/* 7 pixels of XRGB8888 are 28 bytes; the stride pads to 40. */
	MemfdBuffer b(fmt("XRGB8888"), 7, 3, {40});
	fill(b, 1);
	std::vector<uint8_t> before = contents(b);

	InvertStage stage;
	stage.setSyncFunction(&SyncLog::record);
	ASSERT_TRUE(stage.configure({&b.buffer, 1}));
	StageWork work;
	ASSERT_EQ(stage.process(b.buffer, {}, nullptr, work), 0);

	std::vector<uint8_t> after = contents(b);
	for (size_t y = 0; y < 3; ++y) {
		for (size_t x = 0; x < 40; ++x) {
			size_t i = y * 40 + x;
			/* byte 3 of each pixel is X; bytes 28..39 are padding */
			bool colour = x < 28 && x % 4 != 3;
			EXPECT_EQ(after[i], colour ? static_cast<uint8_t>(~before[i]) : before[i])
				<< "line " << y << " byte " << x;
		}
	}
	EXPECT_EQ(work.syncStarts, 1u);
	EXPECT_EQ(work.syncEnds, 1u);
	EXPECT_EQ(SyncLog::calls(), (std::vector<uint64_t>{DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW,
							   DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW}));
}

TEST_F(StageTest, InvertMaskFollowsTheXByte)
{
	using Mask = std::array<uint8_t, 4>;
	EXPECT_EQ(InvertStage::maskFor(fmt("XRGB8888")), (Mask{0xff, 0xff, 0xff, 0}));
	EXPECT_EQ(InvertStage::maskFor(fmt("ABGR8888")), (Mask{0xff, 0xff, 0xff, 0}));
	EXPECT_EQ(InvertStage::maskFor(fmt("BGRX8888")), (Mask{0, 0xff, 0xff, 0xff}));
	EXPECT_EQ(InvertStage::maskFor(fmt("YUYV")), (Mask{0xff, 0xff, 0xff, 0xff}));
	EXPECT_EQ(InvertStage::maskFor(fmt("RGB888")), (Mask{0xff, 0xff, 0xff, 0xff}));
}

TEST_F(StageTest, InvertTwiceIsTheIdentityOnNv12)
{
	/* Odd size: the chroma plane rounds up (4x2 samples for 7x3). */
	MemfdBuffer b(fmt("NV12"), 7, 3, {16, 16});
	fill(b, 7);
	std::vector<uint8_t> before = contents(b);
	InvertStage stage;
	stage.setSyncFunction(&SyncLog::record);
	ASSERT_TRUE(stage.configure({&b.buffer, 1}));
	StageWork work;
	ASSERT_EQ(stage.process(b.buffer, {}, nullptr, work), 0);
	std::vector<uint8_t> once = contents(b);
	EXPECT_EQ(once[0], static_cast<uint8_t>(~before[0]));
	/* chroma: plane 1 starts at 16 * 3; its last sample pair is bytes 6-7 */
	EXPECT_EQ(once[48 + 7], static_cast<uint8_t>(~before[48 + 7]));
	EXPECT_EQ(once[48 + 8], before[48 + 8]); /* padding */
	ASSERT_EQ(stage.process(b.buffer, {}, nullptr, work), 0);
	EXPECT_EQ(contents(b), before);
}

TEST_F(StageTest, GrayscaleSetsPackedChromaToNeutral)
{
	MemfdBuffer b(fmt("YUYV"), 6, 2, {16});
	fill(b, 3);
	std::vector<uint8_t> before = contents(b);
	GrayscaleStage stage;
	stage.setSyncFunction(&SyncLog::record);
	ASSERT_TRUE(stage.configure({&b.buffer, 1}));
	StageWork work;
	ASSERT_EQ(stage.process(b.buffer, {}, nullptr, work), 0);
	std::vector<uint8_t> after = contents(b);
	for (size_t y = 0; y < 2; ++y) {
		for (size_t x = 0; x < 16; ++x) {
			size_t i = y * 16 + x;
			if (x >= 12) {
				EXPECT_EQ(after[i], before[i]) << "padding " << i;
			} else if (x % 2 == 0) {
				EXPECT_EQ(after[i], before[i]) << "luma " << i;
			} else {
				EXPECT_EQ(after[i], 128) << "chroma " << i;
			}
		}
	}
}

TEST_F(StageTest, GrayscaleRefusesWhatItCannotDo)
{
	MemfdBuffer b(fmt("RGB565"), 4, 2, {8});
	GrayscaleStage stage;
	Result<void> ret = stage.configure({&b.buffer, 1});
	ASSERT_FALSE(ret);
	EXPECT_EQ(ret.error().code, ENOTSUP);
	EXPECT_NE(ret.error().message.find("RGB565 is not supported"), std::string::npos)
		<< ret.error().message;
}

TEST_F(StageTest, LumaMeasuresMeanAndHistogramAndOnlyReads)
{
	/* XRGB8888: bytes B,G,R,X. Half the pixels white, half black. */
	MemfdBuffer b(fmt("XRGB8888"), 4, 2, {16});
	{
		Result<Mapping> map = Mapping::map(b.memory.fd(), b.memory.size(), Mapping::Write);
		ASSERT_TRUE(map);
		std::memset(map->data().data(), 0, 16);
		std::memset(map->data().data() + 16, 0xff, 16);
	}
	LumaStage stage;
	stage.setSyncFunction(&SyncLog::record);
	ASSERT_TRUE(stage.configure({&b.buffer, 1}));
	StageWork work;
	ASSERT_EQ(stage.process(b.buffer, {}, nullptr, work), 0);
	EXPECT_TRUE(work.hasLuma);
	EXPECT_DOUBLE_EQ(work.meanLuma, 127.5);
	EXPECT_EQ(work.histogram[0], 4u);
	EXPECT_EQ(work.histogram[LumaSummary::kBins - 1], 4u);
	EXPECT_EQ(SyncLog::starts(DMA_BUF_SYNC_READ), 1u);
	EXPECT_EQ(SyncLog::ends(DMA_BUF_SYNC_READ), 1u);
	EXPECT_EQ(SyncLog::calls().size(), 2u);
}

TEST_F(StageTest, LumaWeighsChannelsByTheirPlaceInTheFormat)
{
	/* Pure red in RGB888 (bytes B,G,R) and in BGR888 (bytes R,G,B). */
	const uint8_t red888[] = {0, 0, 255};
	const uint8_t redBgr[] = {255, 0, 0};
	for (auto [name, px] : {std::pair{"RGB888", red888}, std::pair{"BGR888", redBgr}}) {
		std::vector<uint8_t> pixels(px, px + 3);
		ImageView view;
		view.format = &fmt(name);
		view.width = 1;
		view.height = 1;
		view.planes[0] = {pixels.data(), 3};
		StageWork work;
		LumaStage::measure(view, work);
		EXPECT_DOUBLE_EQ(work.meanLuma, 77.0) << name; /* (77 * 255 + 128) >> 8 */
	}
}

TEST_F(StageTest, OverlayDrawsTextInABoxAndNothingElse)
{
	const uint32_t w = 120, h = 40;
	std::vector<uint8_t> y(w * h, 100);
	ImageView view;
	view.format = &fmt("NV12");
	view.width = w;
	view.height = h;
	view.planes[0] = {y.data(), w};

	char text[48];
	size_t len = OverlayStage::formatText({42, 3'500'000'000}, text, sizeof(text));
	EXPECT_EQ(std::string(text, len), "#000042 3.500s");
	OverlayStage::draw(view, "1", 4, 4, 1);

	/* The box is (1 char * 6 + 2 * 2) x (7 + 4) font pixels at (4, 4). */
	unsigned white = 0, black = 0;
	for (uint32_t r = 0; r < h; ++r) {
		for (uint32_t c = 0; c < w; ++c) {
			uint8_t v = y[r * w + c];
			bool inBox = r >= 4 && r < 15 && c >= 4 && c < 14;
			if (!inBox) {
				EXPECT_EQ(v, 100) << r << "," << c;
			}
			white += v == 235;
			black += v == 16;
		}
	}
	EXPECT_EQ(white, 10u); /* the pixels of the glyph '1' */
	EXPECT_EQ(white + black, 110u);
	/* The top of the '1': font row 0 is 0x04, the middle column. */
	EXPECT_EQ(y[(4 + 2) * w + 4 + 2 + 2], 235);
}

TEST_F(StageTest, FrameSyncEndsWhatItStartedWhenALaterStartFails)
{
	static int calls;
	calls = 0;
	/* the second START fails, as a driver would with EBUSY */
	auto failSecond = [](int, uint64_t flags) -> int {
		SyncLog::record(0, flags);
		return ++calls == 2 ? -EBUSY : 0;
	};
	MemfdBuffer a(fmt("R8"), 4, 1, {4});
	MemfdBuffer c(fmt("R8"), 4, 1, {4});
	FrameBuffer two = a.buffer;
	two.numMemoryPlanes = 2;
	two.memory[1] = &c.memory;

	StageWork work;
	FrameSync sync;
	EXPECT_EQ(sync.begin(two, CpuAccess::Mode::Read, work, failSecond), -EBUSY);
	EXPECT_EQ(work.syncStarts, 1u);
	EXPECT_EQ(work.syncEnds, 1u);
	EXPECT_EQ(SyncLog::calls(), (std::vector<uint64_t>{DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ,
							   DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ,
							   DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ}));
}

/* A consumer that reads one line length only (a mem2mem device): the pool
 * writes exactly that, for one-plane formats; a shorter answer than a line,
 * or none, leaves the scanout padding. */
TEST_F(StageTest, BufferPoolWritesTheLinesItsConsumerReads)
{
	BufferAllocator allocator = test::memfdAllocator();
	std::vector<uint32_t> answers = {640, 100, 0};
	size_t asked = 0;
	allocator.lineBytes = [&](const PixelFormatInfo &format, uint32_t width, uint32_t) {
		EXPECT_EQ(format.name, std::string_view("RGB565"));
		EXPECT_EQ(width, 320u);
		return answers.at(asked++);
	};
	for (uint32_t expected : {640u, 768u, 768u}) {
		Result<std::unique_ptr<BufferPool>> pool =
			BufferPool::create(allocator, fmt("RGB565"), 320, 180, 1);
		ASSERT_TRUE(pool) << pool.error().message;
		EXPECT_EQ((*pool)->buffers()[0].planes[0].stride, expected);
	}
	EXPECT_EQ(asked, 3u);
	/* NV12 has two planes: no single line length to honour. */
	Result<std::unique_ptr<BufferPool>> nv12 =
		BufferPool::create(allocator, fmt("NV12"), 320, 180, 1);
	ASSERT_TRUE(nv12) << nv12.error().message;
	EXPECT_EQ(asked, 3u);
	EXPECT_EQ((*nv12)->buffers()[0].planes[0].stride, 512u);
}

TEST_F(StageTest, BufferPoolHandsOutEachBufferOnceUntilReleased)
{
	Result<std::unique_ptr<BufferPool>> pool =
		BufferPool::create(test::memfdAllocator(), fmt("XRGB8888"), 33, 5, 2, 64);
	ASSERT_TRUE(pool) << pool.error().message;
	BufferPool &p = **pool;
	ASSERT_EQ(p.buffers().size(), 2u);
	const FrameBuffer &fb = p.buffers()[0];
	EXPECT_EQ(fb.planes[0].stride, 192u); /* 132 bytes rounded up to 64 */
	EXPECT_GE(fb.memory[0]->size(), 192u * 5);
	EXPECT_NE(p.buffers()[0].planes[0].id, p.buffers()[1].planes[0].id);

	FrameRef first = p.acquire({1, 0});
	FrameRef second = p.acquire({2, 0});
	ASSERT_TRUE(first && second);
	EXPECT_FALSE(p.acquire({3, 0}));
	EXPECT_EQ(p.freeCount(), 0u);
	FrameRef copy = first; /* a second holder */
	first.reset();
	EXPECT_EQ(p.freeCount(), 0u);
	copy.reset();
	EXPECT_EQ(p.freeCount(), 1u);
	FrameRef again = p.acquire({4, 0});
	ASSERT_TRUE(again);
	EXPECT_EQ(again.metadata().sequence, 4u);
	EXPECT_NE(p.describe().find("2 x XRGB8888 33x5 in memfds"), std::string::npos);
}

TEST_F(StageTest, BufferPoolReportsTheAllocatorsError)
{
	BufferAllocator failing;
	failing.name = "nowhere";
	failing.allocate = [](size_t) -> Result<DmaBuf> {
		return Error::fromErrno(ENOMEM, "allocating");
	};
	Result<std::unique_ptr<BufferPool>> pool =
		BufferPool::create(failing, fmt("XRGB8888"), 8, 8, 3);
	ASSERT_FALSE(pool);
	EXPECT_EQ(pool.error().code, ENOMEM);
	EXPECT_NE(pool.error().message.find("buffer pool (nowhere): buffer 0"), std::string::npos);
}

} /* namespace */

namespace {

TEST(PoolSupport, UdmabufIsRefusedWhereLinux61RefusesIt)
{
	auto vkms = poolRefusal(PoolKind::Udmabuf, PoolConsumer::KmsScanout, "vkms");
	ASSERT_TRUE(vkms.has_value());
	EXPECT_NE(vkms->find("vkms cannot scan out udmabuf buffers"), std::string::npos) << *vkms;
	auto vivid = poolRefusal(PoolKind::Udmabuf, PoolConsumer::V4l2Capture, "vivid");
	ASSERT_TRUE(vivid.has_value());
	EXPECT_NE(vivid->find("EFAULT"), std::string::npos) << *vivid;

	/* What works, and drivers nothing is known against. */
	EXPECT_FALSE(poolRefusal(PoolKind::Dumb, PoolConsumer::KmsScanout, "vkms"));
	EXPECT_FALSE(poolRefusal(PoolKind::DmaHeap, PoolConsumer::V4l2Capture, "vivid"));
	EXPECT_FALSE(poolRefusal(PoolKind::Udmabuf, PoolConsumer::KmsScanout, "i915"));
	EXPECT_STREQ(poolKindName(PoolKind::DmaHeap), "dma-heap");
}

} /* namespace */

namespace primecam {
namespace {

/* What ConvertStage wrote for an NV12 frame, and what libyuv makes of the
 * same bytes with `read`. */
struct ConvertResult {
	std::vector<uint8_t> written;
	std::vector<uint8_t> expected;
};

ConvertResult convertNv12(YuvEncoding frame, YuvEncodingChoice choice, YuvEncoding read)
{
	ConvertResult result;
	MemfdBuffer in(fmt("NV12"), 16, 4, {16, 16});
	fill(in, 3);
	in.buffer.encoding = frame;
	ConvertStage stage(fmt("XRGB8888"), choice, test::memfdAllocator(), 1);
	stage.setSyncFunction(&SyncLog::record);
	Result<void> configured = stage.configure({&in.buffer, 1});
	EXPECT_TRUE(configured) << configured.error().message;
	if (!configured)
		return result;
	const FrameBuffer &out = stage.outputPool()->buffers().front();
	StageWork work;
	EXPECT_EQ(stage.process(in.buffer, {}, &out, work), 0);

	MappedBuffers maps;
	EXPECT_TRUE(maps.map({&out, 1}, Mapping::Read));
	ImageView written = maps.view(out);
	for (uint32_t y = 0; y < 4; ++y)
		result.written.insert(
			result.written.end(), written.planes[0].data + y * written.planes[0].stride,
			written.planes[0].data + y * written.planes[0].stride + 16 * 4);

	std::vector<uint8_t> bytes = contents(in);
	ImageView src{&fmt("NV12"), 16, 4, {}};
	src.planes[0] = {bytes.data(), 16};
	src.planes[1] = {bytes.data() + 16 * 4, 16};
	result.expected.resize(16 * 4 * 4);
	ImageView dst{&fmt("XRGB8888"), 16, 4, {}};
	dst.planes[0] = {result.expected.data(), 16 * 4};
	EXPECT_EQ(convertImage(src, dst, read), 0);
	return result;
}

TEST_F(StageTest, ConvertReadsTheFramesOwnEncoding)
{
	const YuvEncoding bt709Full{YuvMatrix::Bt709, YuvRange::Full};
	ConvertResult r = convertNv12(bt709Full, {}, bt709Full);
	EXPECT_EQ(r.written, r.expected);
	/* and it made a difference: BT.601 limited would give other pixels */
	EXPECT_NE(r.written, convertNv12(YuvEncoding{}, {}, YuvEncoding{}).written);
}

TEST_F(StageTest, ConvertConfigOverridesOnlyWhatItNames)
{
	const YuvEncoding bt709Full{YuvMatrix::Bt709, YuvRange::Full};
	/* the config names the matrix: the frame's range stays */
	ConvertResult r = convertNv12(bt709Full, {YuvMatrix::Bt601, std::nullopt},
				      {YuvMatrix::Bt601, YuvRange::Full});
	EXPECT_EQ(r.written, r.expected);
	ConvertStage stage(fmt("XRGB8888"), {YuvMatrix::Bt601, std::nullopt},
			   test::memfdAllocator(), 1);
	MemfdBuffer in(fmt("NV12"), 16, 4, {16, 16});
	in.buffer.encoding = bt709Full;
	ASSERT_TRUE(stage.configure({&in.buffer, 1}));
	EXPECT_NE(stage.describe().find("(bt601 full, bt601 set by the config (the frames say "
					"bt709 full))"),
		  std::string::npos)
		<< stage.describe();
}

TEST_F(StageTest, ConvertRefusesPackedYuvInAnEncodingLibyuvLacks)
{
	/* libyuv 1857 converts YUYV in BT.601 limited only */
	MemfdBuffer in(fmt("YUYV"), 16, 4, {32});
	in.buffer.encoding = {YuvMatrix::Bt709, YuvRange::Limited};
	ConvertStage stage(fmt("XRGB8888"), {}, test::memfdAllocator(), 1);
	Result<void> configured = stage.configure({&in.buffer, 1});
	ASSERT_FALSE(configured);
	EXPECT_EQ(configured.error().code, ENOTSUP);
	EXPECT_NE(configured.error().message.find("YUYV -> XRGB8888 in bt709 limited is not "
						  "supported"),
		  std::string::npos)
		<< configured.error().message;
}

} /* namespace */
} /* namespace primecam */

namespace primecam {
namespace {

/* A padded XRGB8888 frame scaled by the stage: its output buffer is the
 * new size, holds what scaleImage() makes of the input, and each frame is
 * one READ and one WRITE bracket. */
TEST_F(StageTest, ScaleWritesScaleImagesResultIntoItsOwnPool)
{
	MemfdBuffer in(fmt("XRGB8888"), 16, 9, {16 * 4 + 12});
	fill(in, 5);
	ScaleStage stage(40, 30, nullptr, {}, test::memfdAllocator(), 2);
	stage.setSyncFunction(&SyncLog::record);
	EXPECT_EQ(stage.kind(), Stage::Kind::Converting); /* counted as a conversion */
	Result<void> configured = stage.configure({&in.buffer, 1});
	ASSERT_TRUE(configured) << configured.error().message;
	EXPECT_EQ(stage.describe(), "scale XRGB8888 16x9 -> XRGB8888 40x30 (bilinear) into " +
					    stage.outputPool()->describe());
	ASSERT_EQ(stage.outputPool()->buffers().size(), 2u);
	const FrameBuffer &out = stage.outputPool()->buffers().front();
	EXPECT_EQ(out.format, &fmt("XRGB8888"));
	EXPECT_EQ(out.width, 40u);
	EXPECT_EQ(out.height, 30u);

	StageWork work;
	ASSERT_EQ(stage.process(in.buffer, {}, &out, work), 0);
	EXPECT_EQ(SyncLog::starts(DMA_BUF_SYNC_READ), 1u);
	EXPECT_EQ(SyncLog::ends(DMA_BUF_SYNC_READ), 1u);
	EXPECT_EQ(SyncLog::starts(DMA_BUF_SYNC_WRITE), 1u);
	EXPECT_EQ(SyncLog::ends(DMA_BUF_SYNC_WRITE), 1u);

	std::vector<uint8_t> bytes = contents(in);
	ImageView src{&fmt("XRGB8888"), 16, 9, {}};
	src.planes[0] = {bytes.data(), 16 * 4 + 12};
	std::vector<uint8_t> expected(size_t{40} * 4 * 30);
	ImageView dst{&fmt("XRGB8888"), 40, 30, {}};
	dst.planes[0] = {expected.data(), 40 * 4};
	ScaleScratch scratch;
	ASSERT_EQ(scaleImage(src, dst, {}, scratch), 0);

	MappedBuffers maps;
	ASSERT_TRUE(maps.map({&out, 1}, Mapping::Read));
	ImageView written = maps.view(out);
	for (uint32_t y = 0; y < 30; ++y)
		ASSERT_EQ(std::memcmp(written.planes[0].data + size_t{y} * written.planes[0].stride,
				      expected.data() + size_t{y} * 40 * 4, 40 * 4),
			  0)
			<< "line " << y;
}

TEST_F(StageTest, ScaleConvertsYuvOnlyWhenTheConfigNamesAFormat)
{
	MemfdBuffer in(fmt("YUYV"), 16, 4, {32});
	fill(in, 9);
	/* No format: the input's, which the scaler cannot write. */
	ScaleStage refused(32, 8, nullptr, {}, test::memfdAllocator(), 2);
	Result<void> configured = refused.configure({&in.buffer, 1});
	ASSERT_FALSE(configured);
	EXPECT_EQ(configured.error().code, ENOTSUP);
	EXPECT_NE(configured.error().message.find(
			  "scale: cannot write the input's format YUYV; set format to one it "
			  "writes from it: XRGB8888, ARGB8888, XBGR8888, ABGR8888, RGB565"),
		  std::string::npos)
		<< configured.error().message;

	ScaleStage stage(32, 8, &fmt("RGB565"), {}, test::memfdAllocator(), 2);
	stage.setSyncFunction(&SyncLog::record);
	configured = stage.configure({&in.buffer, 1});
	ASSERT_TRUE(configured) << configured.error().message;
	EXPECT_NE(stage.describe().find("scale YUYV 16x4 -> RGB565 32x8 (bilinear, bt601 "
					"limited"),
		  std::string::npos)
		<< stage.describe();
	const FrameBuffer &out = stage.outputPool()->buffers().front();
	StageWork work;
	EXPECT_EQ(stage.process(in.buffer, {}, &out, work), 0);

	/* libyuv has YUYV in BT.601 limited range only. */
	in.buffer.encoding = {YuvMatrix::Bt709, YuvRange::Limited};
	ScaleStage bt709(32, 8, &fmt("XRGB8888"), {}, test::memfdAllocator(), 2);
	configured = bt709.configure({&in.buffer, 1});
	ASSERT_FALSE(configured);
	EXPECT_NE(configured.error().message.find("scale: YUYV -> XRGB8888 in bt709 limited is "
						  "not supported"),
		  std::string::npos)
		<< configured.error().message;
}

} /* namespace */
} /* namespace primecam */

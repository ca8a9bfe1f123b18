/* SPDX-License-Identifier: MIT */
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "src/verify/misstated_offset_stage.h"
#include "src/verify/verify_fault.h"

using namespace primecam;

namespace {

/* Records the buffer descriptions it is given. */
class RecordingStage : public Stage
{
public:
	std::string describe() const override { return "convert"; }
	Kind kind() const override { return Kind::Converting; }
	Result<void> configure(std::span<const FrameBuffer> input) override
	{
		configured.assign(input.begin(), input.end());
		return {};
	}
	int process(const FrameBuffer &in, const FrameMetadata &, const FrameBuffer *,
		    StageWork &) override
	{
		processed.push_back(in);
		return 0;
	}

	std::vector<FrameBuffer> configured;
	std::vector<FrameBuffer> processed;
};

/* NV12 640x480 in one buffer: the chroma plane right after the luma. */
FrameBuffer nv12()
{
	FrameBuffer buffer;
	buffer.format = formatByName("NV12");
	buffer.width = 640;
	buffer.height = 480;
	buffer.numPlanes = 2;
	buffer.planes[0].stride = 640;
	buffer.planes[1].stride = 640;
	buffer.planes[1].offset = 640 * 480;
	return buffer;
}

} /* namespace */

TEST(VerifyFaults, NamesRoundTrip)
{
	for (VerifyFault fault :
	     {VerifyFault::ChromaOffset, VerifyFault::EarlyRequeue, VerifyFault::WrongMatrix})
		EXPECT_EQ(verifyFaultByName(verifyFaultName(fault)), fault);
	EXPECT_FALSE(verifyFaultByName("stride"));
}

TEST(VerifyFaults, TheChromaPlaneIsMisstatedSixteenLinesEarlyAtConfigureAndEveryFrame)
{
	auto recording = std::make_unique<RecordingStage>();
	RecordingStage *inner = recording.get();
	MisstatedOffsetStage stage(std::move(recording));
	EXPECT_EQ(stage.kind(), Stage::Kind::Converting);
	EXPECT_EQ(stage.describe(), "convert (chroma offset misstated)");

	FrameBuffer buffer = nv12();
	ASSERT_TRUE(MisstatedOffsetStage::applies(buffer));
	ASSERT_TRUE(stage.configure({&buffer, 1}));
	ASSERT_EQ(inner->configured.size(), 1u);
	EXPECT_EQ(inner->configured[0].planes[0].offset, 0u);
	EXPECT_EQ(inner->configured[0].planes[1].offset, 640u * 480u - 16u * 640u);

	StageWork work;
	EXPECT_EQ(stage.process(buffer, {}, nullptr, work), 0);
	ASSERT_EQ(inner->processed.size(), 1u);
	EXPECT_EQ(inner->processed[0].planes[1].offset, 640u * 480u - 16u * 640u);
	/* The caller's description stays right. */
	EXPECT_EQ(buffer.planes[1].offset, 640u * 480u);
}

TEST(VerifyFaults, AOnePlaneFrameHasNoChromaOffsetToMisstate)
{
	FrameBuffer yuyv;
	yuyv.format = formatByName("YUYV");
	yuyv.numPlanes = 1;
	yuyv.planes[0].stride = 1280;
	EXPECT_FALSE(MisstatedOffsetStage::applies(yuyv));
	/* NV12M: the chroma plane is its own buffer, at offset 0. */
	FrameBuffer separate = nv12();
	separate.planes[1].offset = 0;
	EXPECT_FALSE(MisstatedOffsetStage::applies(separate));
}

/* SPDX-License-Identifier: MIT */
#include <cstring>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/udmabuf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cpu_access.h"
#include "base/dma_heap.h"
#include "base/mapping.h"
#include "base/udmabuf.h"
#include "device_test.h"

using namespace primecam;

namespace {

constexpr size_t kSize = 256 * 1024;

uint8_t pattern(size_t i, uint8_t seed)
{
	return static_cast<uint8_t>((i * 131 + seed) ^ (i >> 8));
}

/* Writes a pattern through the dma-buf's own mapping, bracketed by SYNC. */
void writeThroughDmaBuf(const DmaBuf &buf, uint8_t seed)
{
	auto map = Mapping::map(buf.fd(), buf.size(), Mapping::ReadWrite, 0, "dma-buf");
	ASSERT_TRUE(map.ok()) << map.error().message;
	auto access = CpuAccess::begin(buf.fd(), CpuAccess::Mode::Write);
	ASSERT_TRUE(access.ok()) << access.error().message;
	std::span<uint8_t> bytes = map->data();
	for (size_t i = 0; i < bytes.size(); ++i)
		bytes[i] = pattern(i, seed);
	ASSERT_EQ(access->end(), 0);
}

void expectThroughDmaBuf(const DmaBuf &buf, uint8_t seed)
{
	auto map = Mapping::map(buf.fd(), buf.size(), Mapping::Read, 0, "dma-buf");
	ASSERT_TRUE(map.ok()) << map.error().message;
	auto access = CpuAccess::begin(buf.fd(), CpuAccess::Mode::Read);
	ASSERT_TRUE(access.ok()) << access.error().message;
	std::span<uint8_t> bytes = map->data();
	size_t bad = 0;
	for (size_t i = 0; i < bytes.size(); ++i)
		bad += bytes[i] != pattern(i, seed);
	EXPECT_EQ(bad, 0u);
	EXPECT_EQ(access->end(), 0);
}

} /* namespace */

TEST(DmaBufDevices, DmaHeapBufferRoundTripsThroughCpuAccess)
{
	auto heap = DmaHeap::open("system");
	PRIMECAM_NEED_DEVICE(heap.ok(), "the system dma-heap: " << heap.error().message);

	auto buf = heap->allocate(kSize);
	ASSERT_TRUE(buf.ok()) << buf.error().message;
	EXPECT_TRUE(buf->isDmaBuf());
	EXPECT_EQ(buf->size(), kSize);

	writeThroughDmaBuf(*buf, 0x5a);
	/* A second owner (another fd number) sees the same buffer and bytes. */
	auto again = buf->dup();
	ASSERT_TRUE(again.ok());
	EXPECT_EQ(again->id(), buf->id());
	EXPECT_NE(again->fd(), buf->fd());
	expectThroughDmaBuf(*again, 0x5a);
}

TEST(DmaBufDevices, DistinctHeapBuffersHaveDistinctIds)
{
	auto heap = DmaHeap::open("system");
	PRIMECAM_NEED_DEVICE(heap.ok(), "the system dma-heap");
	auto a = heap->allocate(4096);
	auto b = heap->allocate(4096);
	ASSERT_TRUE(a.ok() && b.ok());
	EXPECT_NE(a->id(), b->id());
}

TEST(DmaBufDevices, UdmabufSharesPagesWithItsMemfd)
{
	PRIMECAM_NEED_DEVICE(::access("/dev/udmabuf", R_OK | W_OK) == 0, "/dev/udmabuf");

	auto buf = Udmabuf::allocate(kSize);
	ASSERT_TRUE(buf.ok()) << buf.error().message;
	EXPECT_TRUE(buf->buffer().isDmaBuf());
	EXPECT_EQ(buf->size(), kSize);

	/* dma-buf side → memfd side. */
	writeThroughDmaBuf(buf->buffer(), 0x33);
	std::vector<uint8_t> back(kSize);
	ASSERT_EQ(::pread(buf->memfd(), back.data(), kSize, 0), static_cast<ssize_t>(kSize));
	size_t bad = 0;
	for (size_t i = 0; i < kSize; ++i)
		bad += back[i] != pattern(i, 0x33);
	EXPECT_EQ(bad, 0u);

	/* memfd side → dma-buf side. */
	for (size_t i = 0; i < kSize; ++i)
		back[i] = pattern(i, 0xc4);
	ASSERT_EQ(::pwrite(buf->memfd(), back.data(), kSize, 0), static_cast<ssize_t>(kSize));
	expectThroughDmaBuf(buf->buffer(), 0xc4);
}

TEST(DmaBufDevices, UdmabufRefusesAnUnsealedMemfd)
{
	PRIMECAM_NEED_DEVICE(::access("/dev/udmabuf", R_OK | W_OK) == 0, "/dev/udmabuf");
	/* The kernel's own rule (F_SEAL_SHRINK required), checked so that a
	 * change in it would show here rather than as a scanout of freed pages. */
	UniqueFd memfd(::memfd_create("unsealed", MFD_CLOEXEC));
	ASSERT_EQ(::ftruncate(memfd.get(), 4096), 0);
	UniqueFd dev(::open("/dev/udmabuf", O_RDWR | O_CLOEXEC));
	ASSERT_TRUE(dev.isValid());
	struct udmabuf_create create = {};
	create.memfd = static_cast<uint32_t>(memfd.get());
	create.size = 4096;
	EXPECT_LT(::ioctl(dev.get(), UDMABUF_CREATE, &create), 0);
	EXPECT_EQ(errno, EINVAL);
}

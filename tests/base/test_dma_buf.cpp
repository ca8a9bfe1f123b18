/* SPDX-License-Identifier: MIT */
#include <set>
#include <unordered_set>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/dma_buf.h"
#include "test_memfd.h"

using primecam::BufferId;
using primecam::DmaBuf;
using primecam::UniqueFd;
using primecam::test::sizedMemfd;

TEST(DmaBuf, AdoptReadsSizeAndIdentity)
{
	UniqueFd fd = sizedMemfd(3 * 4096 + 17);
	struct stat st;
	ASSERT_EQ(::fstat(fd.get(), &st), 0);

	auto buf = DmaBuf::adopt(std::move(fd));
	ASSERT_TRUE(buf.ok()) << buf.error().message;
	EXPECT_EQ(buf->size(), 3u * 4096 + 17);
	EXPECT_EQ(buf->id().inode, st.st_ino);
	EXPECT_EQ(buf->id().device, st.st_dev);
	EXPECT_FALSE(buf->isDmaBuf()) << "a memfd is not a dma-buf";
	EXPECT_EQ(::lseek(buf->fd(), 0, SEEK_CUR), 0) << "adopt must rewind after SEEK_END";
}

TEST(DmaBuf, IdentityDoesNotDependOnFdNumber)
{
	auto a = DmaBuf::adopt(sizedMemfd(4096));
	ASSERT_TRUE(a.ok());

	/* The same buffer under a far-away fd number has the same identity. */
	int high = ::fcntl(a->fd(), F_DUPFD_CLOEXEC, 500);
	ASSERT_GE(high, 500);
	auto b = DmaBuf::adopt(UniqueFd(high));
	ASSERT_TRUE(b.ok());
	EXPECT_EQ(a->id(), b->id());

	auto dup = a->dup();
	ASSERT_TRUE(dup.ok());
	EXPECT_NE(dup->fd(), a->fd());
	EXPECT_EQ(dup->id(), a->id());
	EXPECT_EQ(dup->size(), a->size());
}

TEST(DmaBuf, FdNumberReuseGivesANewIdentity)
{
	auto a = DmaBuf::adopt(sizedMemfd(4096));
	ASSERT_TRUE(a.ok());
	BufferId first = a->id();
	int number = a->fd();
	UniqueFd other = sizedMemfd(4096);
	a->release().reset(); /* close */

	/* Put a different buffer under the very same fd number. */
	ASSERT_EQ(::dup3(other.get(), number, O_CLOEXEC), number);
	auto b = DmaBuf::adopt(UniqueFd(number));
	ASSERT_TRUE(b.ok());
	EXPECT_EQ(b->fd(), number);
	EXPECT_NE(b->id(), first) << "identity must come from the buffer, not the fd number";
}

/* The hashes themselves, not a hash set of ids: a set keeps colliding ids
 * apart by equality, so its size would not show a collision. */
TEST(DmaBuf, IdsHashDistinctly)
{
	std::set<BufferId> ids;
	std::unordered_set<size_t> hashes;
	std::vector<DmaBuf> keep;
	for (int i = 0; i < 16; ++i) {
		auto b = DmaBuf::adopt(sizedMemfd(4096));
		ASSERT_TRUE(b.ok());
		ids.insert(b->id());
		hashes.insert(std::hash<BufferId>{}(b->id()));
		keep.push_back(std::move(*b));
	}
	EXPECT_EQ(ids.size(), 16u) << "distinct buffers with one identity";
	EXPECT_EQ(hashes.size(), 16u) << "distinct identities that hash alike";
}

TEST(DmaBuf, AdoptInvalidFdFails)
{
	auto buf = DmaBuf::adopt(UniqueFd());
	ASSERT_FALSE(buf.ok());
	EXPECT_EQ(buf.error().code, EBADF);
}

TEST(DmaBuf, ReleaseHandsOverTheFd)
{
	auto buf = DmaBuf::adopt(sizedMemfd(4096));
	ASSERT_TRUE(buf.ok());
	int raw = buf->fd();
	UniqueFd fd = buf->release();
	EXPECT_EQ(fd.get(), raw);
	EXPECT_FALSE(buf->isValid());
	EXPECT_FALSE(buf->id().isValid());
}

TEST(DmaBuf, ExporterIsEmptyForWhatIsNoDmaBuf)
{
	/* fdinfo of a memfd has no exp_name line; a closed fd has no fdinfo.
	 * The VM's kms sink tests read real exporters (udmabuf, vivid). */
	UniqueFd fd = sizedMemfd(4096);
	EXPECT_EQ(primecam::dmaBufExporter(fd.get()), "");
	int number = fd.get();
	fd.reset();
	EXPECT_EQ(primecam::dmaBufExporter(number), "");
}

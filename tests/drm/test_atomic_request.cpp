/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <vector>

#include <gtest/gtest.h>
#include <xf86drm.h>

#include "drm/atomic_request.h"

using namespace primecam;

namespace {

/* What the kernel would have been given, copied out of the ioctl's arrays. */
struct Seen {
	unsigned long request = 0;
	uint32_t flags = 0;
	uint64_t userData = 0;
	std::vector<uint32_t> objects, counts, props;
	std::vector<uint64_t> values;
	int calls = 0;
};
Seen seen;
int failWith = 0;

int fakeIoctl(int, unsigned long request, void *arg)
{
	auto *atomic = static_cast<drm_mode_atomic *>(arg);
	++seen.calls;
	seen.request = request;
	seen.flags = atomic->flags;
	seen.userData = atomic->user_data;
	const auto *objs = reinterpret_cast<const uint32_t *>(atomic->objs_ptr);
	const auto *counts = reinterpret_cast<const uint32_t *>(atomic->count_props_ptr);
	seen.objects.assign(objs, objs + atomic->count_objs);
	seen.counts.assign(counts, counts + atomic->count_objs);
	uint32_t total = 0;
	for (uint32_t c : seen.counts)
		total += c;
	const auto *props = reinterpret_cast<const uint32_t *>(atomic->props_ptr);
	const auto *values = reinterpret_cast<const uint64_t *>(atomic->prop_values_ptr);
	seen.props.assign(props, props + total);
	seen.values.assign(values, values + total);
	if (failWith) {
		errno = failWith;
		return -1;
	}
	return 0;
}

class AtomicRequestTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		seen = Seen();
		failWith = 0;
	}
	AtomicRequest req{&fakeIoctl};
};

} /* namespace */

TEST_F(AtomicRequestTest, GroupsPropertiesByObjectInFirstSeenOrder)
{
	/* The kernel takes, per object, a count and then that many
	 * properties: interleaved objects must be regrouped. */
	EXPECT_EQ(req.add(31, 1, 100), 0);
	EXPECT_EQ(req.add(52, 2, 51), 0);
	EXPECT_EQ(req.add(31, 3, 300), 0);
	EXPECT_EQ(req.add(51, 4, 1), 0);
	EXPECT_EQ(req.add(52, 5, 7), 0);
	EXPECT_EQ(req.commit(9, DRM_MODE_ATOMIC_NONBLOCK, 0x1234), 0);

	EXPECT_EQ(seen.request, static_cast<unsigned long>(DRM_IOCTL_MODE_ATOMIC));
	EXPECT_EQ(seen.flags, static_cast<uint32_t>(DRM_MODE_ATOMIC_NONBLOCK));
	EXPECT_EQ(seen.userData, 0x1234u);
	EXPECT_EQ(seen.objects, (std::vector<uint32_t>{31, 52, 51}));
	EXPECT_EQ(seen.counts, (std::vector<uint32_t>{2, 2, 1}));
	EXPECT_EQ(seen.props, (std::vector<uint32_t>{1, 3, 2, 5, 4}));
	EXPECT_EQ(seen.values, (std::vector<uint64_t>{100, 300, 51, 7, 1}));
}

TEST_F(AtomicRequestTest, ClearStartsAnEmptyRequestAndReuseGivesTheSameArrays)
{
	req.add(31, 1, 100);
	req.add(52, 2, 51);
	EXPECT_EQ(req.commit(9, 0), 0);
	req.clear();
	EXPECT_EQ(req.size(), 0u);
	req.add(31, 1, 200);
	EXPECT_EQ(req.commit(9, 0), 0);
	EXPECT_EQ(seen.objects, std::vector<uint32_t>{31});
	EXPECT_EQ(seen.counts, std::vector<uint32_t>{1});
	EXPECT_EQ(seen.values, std::vector<uint64_t>{200});
	EXPECT_EQ(seen.calls, 2);
}

TEST_F(AtomicRequestTest, MissingPropertyIsRefusedBeforeTheKernel)
{
	EXPECT_EQ(req.add(31, 0, 1), -ENOENT);
	EXPECT_EQ(req.size(), 0u);
}

TEST_F(AtomicRequestTest, KernelErrorComesBackAsMinusErrno)
{
	req.add(31, 1, 1);
	failWith = EBUSY;
	EXPECT_EQ(req.commit(9, DRM_MODE_ATOMIC_NONBLOCK), -EBUSY);
}

/* SPDX-License-Identifier: MIT */
#pragma once

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/unique_fd.h"

namespace primecam::test {

/* A memfd of `size` bytes: the stand-in for a buffer in fd/RAII tests. */
inline UniqueFd sizedMemfd(size_t size)
{
	UniqueFd fd(::memfd_create("primecam-test", MFD_CLOEXEC));
	EXPECT_TRUE(fd.isValid());
	EXPECT_EQ(::ftruncate(fd.get(), static_cast<off_t>(size)), 0);
	return fd;
}

} /* namespace primecam::test */

/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>
#include <vector>

namespace primecam::test {

/*
 * Records the device nodes (/dev/videoN, /dev/dri/cardN) opened while armed: the
 * device-test binary defines open() itself, which interposes it for
 * primecam's code and libdrm alike, and forwards to glibc's (RTLD_NEXT).
 */
class OpenRecorder
{
public:
	OpenRecorder();	 /* arms, clearing what an earlier one recorded */
	~OpenRecorder(); /* disarms */
	OpenRecorder(const OpenRecorder &) = delete;
	OpenRecorder &operator=(const OpenRecorder &) = delete;

	std::vector<std::string> opened() const;
};

} /* namespace primecam::test */

/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/pixel_format.h"
#include "pipeline/pool_kind.h"
#include "pipeline/restart_budget.h"
#include "pipeline/source.h"

namespace primecam {

/* What a config file's [source] of type "v4l2" asks for (see configs/README.md). */
struct CaptureConfig {
	enum class Api {
		Auto,
		SinglePlanar,
		MultiPlanar
	};
	enum class Memory {
		Mmap,
		Dmabuf,
		Libv4l2
	};
	/* The one enum of pool kinds, under the name this struct had for it. */
	using Pool = PoolKind;

	/* A path ("/dev/video0") or a driver name ("vivid"); a driver name picks
	 * its first capture node that speaks `api`. */
	std::string device;
	Api api = Api::Auto;
	const PixelFormatInfo *format = nullptr;
	uint32_t width = 0;
	uint32_t height = 0;
	/* 0: leave the driver's rate alone */
	double fps = 0;
	uint32_t buffers = 4;
	/* mmap: the device allocates, primecam exports (VIDIOC_EXPBUF);
	 * dmabuf: primecam allocates from `pool` and the device imports;
	 * libv4l2: libv4l2 emulates `format` (which the device itself may not
	 * offer) and every frame is copied into buffers from `pool`: never
	 * zero-copy, and counted. */
	Memory memory = Memory::Mmap;
	Pool pool = Pool::Dumb;
	/* Where Dmabuf and Libv4l2 buffers come from. For Pool::Dumb: the card (path or driver) to
	 * allocate on. */
	std::string poolCard;
	/* V4L2 controls set by name before streaming, in this order: a
	 * camera's exposure or test pattern, vivid's "Timestamp Source". */
	std::vector<std::pair<std::string, int64_t>> controls;
	/* The input to capture from (VIDIOC_S_INPUT, `input`); none: the
	 * device's current one. */
	std::optional<uint32_t> input;
	/* `reconnect = true` and `on_loss`: after the device is lost, wait for
	 * it to come back, showing the last frame or black meanwhile. None: a
	 * lost device ends the run. */
	std::optional<Source::OnLoss> reconnect;
	/* restart_limit, restart_window_s: restarts after a driver error. */
	RestartPolicy restart;
};

} /* namespace primecam */

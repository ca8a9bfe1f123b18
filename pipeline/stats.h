/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "pipeline/frame.h"

namespace primecam {

/*
 * Latency samples in nanoseconds. Storage is reserved up front and recording
 * never allocates: past capacity the oldest samples are overwritten, so the
 * percentiles describe the most recent `capacity` frames while count() and
 * max() cover the whole run.
 */
class LatencyRecorder
{
public:
	explicit LatencyRecorder(size_t capacity = 1 << 16);

	void add(int64_t ns);
	uint64_t count() const { return count_; }
	int64_t max() const { return max_; }
	/* p in [0, 100]; nearest-rank over the kept samples; 0 when empty. */
	int64_t percentile(double p) const;

private:
	std::vector<int64_t> samples_;
	size_t next_ = 0;
	uint64_t count_ = 0;
	int64_t max_ = 0;
};

enum class DropReason : unsigned {
	DisplayBehind, /* a newer frame replaced one still waiting for the display */
	CaptureError,  /* the driver flagged the buffer V4L2_BUF_FLAG_ERROR */
	SinkError,     /* the sink refused the frame (commit failed) */
	StageBehind,   /* a CPU stage was still busy with an earlier frame */
	Stopped,       /* the pipeline stopped while the frame waited for the display */
	Count,
};

const char *dropReasonName(DropReason reason);

struct SinkStats {
	std::string name;
	uint64_t received = 0;
	uint64_t displayed = 0;
	std::array<uint64_t, static_cast<size_t>(DropReason::Count)> dropped = {};
	/* capture timestamp → the event that showed the frame (page flip), both
	 * CLOCK_MONOTONIC */
	LatencyRecorder latency;
	/* frames this sink had to copy with the CPU instead of importing */
	uint64_t copies = 0;
	/* CLOCK_MONOTONIC of the first frame shown (its page-flip event, or
	 * the consume of a sink without a display); 0 until then. Start-up
	 * is reported up to here. */
	int64_t firstDisplayedNs = 0;
	/* Commits the display refused with EBUSY (the CRTC still busy with an
	 * earlier commit) and retried at the next vblank. */
	uint64_t busyRetries = 0;

	void drop(DropReason reason) { ++dropped[static_cast<size_t>(reason)]; }
	/* One more frame shown, at whenNs (CLOCK_MONOTONIC). */
	void markDisplayed(int64_t whenNs);
	/* The frame's latency up to shownNs, when its capture time is
	 * trusted (TimestampCheck) and not after shownNs: never a negative
	 * or absurd figure. */
	void addLatency(const FrameMetadata &frame, int64_t shownNs);
	uint64_t droppedTotal() const;
};

/* Luma of the last frame an analysis stage saw: 16 bins of 16 levels each. */
struct LumaSummary {
	static constexpr size_t kBins = 16;
	uint64_t frames = 0;				/* frames analysed */
	double lastMean = 0;				/* mean luma (0-255) of the last frame */
	double meanOfMeans = 0;				/* average of every frame's mean */
	std::array<uint64_t, kBins> lastHistogram = {}; /* of the last frame */
};

/* One CPU stage, as the stats JSON reports it. */
struct StageStats {
	std::string name;
	uint64_t processed = 0;
	/* Frames the stage never saw: the worker was still busy with an earlier
	 * one and a newer frame replaced this one while it waited. */
	uint64_t droppedBehind = 0;
	/* Frames dropped because every output buffer was still held downstream
	 * (converting stages only). */
	uint64_t droppedNoBuffer = 0;
	uint64_t errors = 0;
	/* DMA_BUF_IOCTL_SYNC brackets issued: one START and one END per
	 * dma-buf touched per frame, so both equal processed x buffers. */
	uint64_t syncStarts = 0;
	uint64_t syncEnds = 0;
	/* Frames written into a new buffer in another format (not zero-copy,
	 * but what lets the display side stay zero-copy). */
	uint64_t conversions = 0;
	/* Frames a device stage (V4L2 mem2mem) converted or scaled: done by
	 * the hardware into its own buffers, neither a CPU copy nor a CPU
	 * conversion. */
	uint64_t deviceConversions = 0;
	/* Device stages: from a frame's QBUF on the device to its result's
	 * DQBUF, and how many frames were with the device at each QBUF
	 * (that one included). */
	LatencyRecorder latency{4096};
	uint64_t queueDepthMax = 0;
	uint64_t queueDepthSum = 0; /* over every QBUF: the mean is sum / queued */
	uint64_t queued = 0;
	LumaSummary luma; /* analysis stages only */
	/* CPU time spent in the stage on the worker thread */
	LatencyRecorder cpuTime{4096};
};

struct PipelineStats {
	uint64_t captured = 0;
	uint64_t captureErrors = 0;
	/* Streams restarted after a recoverable driver error, by reason
	 * ("VIDIOC_DQBUF: EIO"); few reasons exist, so few keys. */
	std::map<std::string, uint64_t> restarts;
	/* The source changed its format or size (V4L2_EVENT_SOURCE_CHANGE) and
	 * the pipeline was configured again. */
	uint64_t sourceChanges = 0;
	/* The source's device came back after it was lost (reconnect), and
	 * how long the pipeline was without it, in all. */
	uint64_t reconnects = 0;
	int64_t offlineNs = 0;
	/* frames the source's sequence counter skipped (lost before primecam saw them) */
	uint64_t sequenceGaps = 0;
	/* frames the source copied with the CPU: libv4l2 emulation */
	uint64_t sourceCopies = 0;
	/* frames the source dropped because every output buffer was still held
	 * by sinks (a copying source fills a fixed pool; libv4l2 emulation) */
	uint64_t sourceDropped = 0;
	int64_t startNs = 0;
	int64_t endNs = 0;
	/* CLOCK_MONOTONIC at which the first frame reached the pipeline; 0
	 * until then. */
	int64_t firstCaptureNs = 0;
	/* Frames whose capture time was left out of latency, by reason
	 * (indexed by TimestampTrust; Trusted stays 0). */
	std::array<uint64_t, static_cast<size_t>(TimestampTrust::Count)> untrustedTimestamps = {};
	/* a deque: sinks keep a reference to their entry while others are added */
	std::deque<SinkStats> sinks;
	/* in chain order; a deque for the same reason */
	std::deque<StageStats> stages;

	SinkStats &addSink(std::string name);
	StageStats &addStage(std::string name);
	/* CPU copies anywhere in the pipeline, the source's and the sinks'
	 * (zero on a zero-copy path) */
	uint64_t copies() const;
	/* Every restart, whatever its reason. */
	uint64_t restartCount() const;
};

/* CLOCK_MONOTONIC now, in ns: the clock V4L2 and DRM timestamps use. */
int64_t monotonicNowNs();

} /* namespace primecam */

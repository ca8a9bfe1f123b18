/* SPDX-License-Identifier: MIT */
#include "src/run_command.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>

#include <unistd.h>

#include "base/event_loop.h"
#include "base/image.h"
#include "base/process_start.h"
#include "drm/kms_display.h"
#include "drm/kms_sink.h"
#include "pipeline/engine.h"
#include "pipeline/timestamp_check.h"
#include "src/config_parser.h"
#include "src/pipeline_builder.h"
#include "src/png_file.h"
#include "src/stats_json.h"
#include "src/status_line.h"

namespace primecam {

namespace {

/* One `primecam run`, from the config file to the stats file. */
class RunSession
{
public:
	explicit RunSession(const RunOptions &options) : options_(options) {}

	int execute();

private:
	/* One source's engine, by the config's name for the source. */
	struct Pipeline {
		std::string name;
		std::unique_ptr<Engine> engine;
		/* Its configure() or start() failed (the engine's error() is
		 * what stopped it while streaming). */
		std::optional<Error> setUpError;
	};

	Result<void> setUp();
	Result<void> stream();
	Result<void> takeSnapshot();
	/* An engine reached its frame limit or failed: the run is over when
	 * every one has. */
	void onEngineFinished();
	/* error, naming the source when the config has several. */
	Error ofSource(const Pipeline &pipeline, const Error &error) const;
	/* Notes that pipeline could not be set up: ofSource(error). */
	Error setUpFailed(Pipeline &pipeline, const Error &error) const;
	/* The errors that stopped engines, as one (each naming its source). */
	Result<void> enginesError() const;
	void printSummary() const;
	void printSourceSummary(const PipelineStats &stats) const;
	RunReport report(const Result<void> &ret) const;

	const RunOptions &options_;
	/* Destroyed in reverse: the status line and the engines use the loop,
	 * the status line reads the engines' stats. */
	std::unique_ptr<EventLoop> loop_;
	std::optional<PipelineConfig> config_;
	/* Held for their counters; declared before the engines, whose sinks
	 * use them, so that they outlive those. */
	std::vector<std::shared_ptr<KmsDisplay>> displays_;
	std::vector<Pipeline> pipelines_; /* one per source, in config order */
	KmsSink *kms_ = nullptr;	  /* owned by an engine */
	/* Reads a gl-headless sink owned by an engine. */
	std::function<Result<Image>()> glReadPixels_;
	std::unique_ptr<StatusLine> status_;
	std::optional<Image> snapshot_;
	int signal_ = 0;
	StartupTimes startup_;
};

Error RunSession::ofSource(const Pipeline &pipeline, const Error &error) const
{
	if (pipelines_.size() < 2)
		return error;
	return Error{error.code, "source " + pipeline.name + ": " + error.message};
}

Error RunSession::setUpFailed(Pipeline &pipeline, const Error &error) const
{
	pipeline.setUpError = error;
	return ofSource(pipeline, error);
}

Result<void> RunSession::setUp()
{
	Result<std::unique_ptr<EventLoop>> loop = EventLoop::create();
	if (!loop)
		return Error{loop.error().code, "creating the event loop: " + loop.error().message};
	loop_ = std::move(*loop);

	/* Signals first, before any part of the pipeline can start a thread
	 * (threads inherit the mask that routes the signals to the loop). */
	for (int signo : {SIGINT, SIGTERM}) {
		int ret = loop_->addSignal(signo, [this](const signalfd_siginfo &info) {
			signal_ = static_cast<int>(info.ssi_signo);
			loop_->exit(0);
		});
		if (ret < 0)
			return Error::fromErrno(-ret, std::string("routing ") +
							      sigabbrev_np(signo) +
							      " to the event loop (signalfd)");
	}

	Result<PipelineConfig> config = loadConfigFile(options_.configPath);
	if (!config)
		return std::move(config).error();
	config_ = std::move(*config);
	startup_.configParsedNs = monotonicNowNs();

	Result<PipelineParts> parts = buildPipeline(*config_);
	if (!parts)
		return std::move(parts).error();
	/* Before configuring: a snapshot that cannot be taken should not cost
	 * a whole run first. */
	if (!options_.snapshotPath.empty() && !parts->firstKms && !parts->glReadPixels)
		return Error{EINVAL, "--snapshot " + options_.snapshotPath + ": " +
					     options_.configPath +
					     " has no kms sink to take a writeback snapshot from, "
					     "nor a gl-headless sink to read back"};
	kms_ = parts->firstKms;
	glReadPixels_ = std::move(parts->glReadPixels);
	displays_ = std::move(parts->displays);
	for (const std::string &note : parts->notes)
		fprintf(stderr, "primecam: %s\n", note.c_str());
	/* All engines exist before any is configured: stopping them at the end
	 * covers every source whatever failed. */
	for (SourceParts &source : parts->sources) {
		auto engine =
			std::make_unique<Engine>(*loop_, std::move(source.source),
						 std::move(source.stages), std::move(source.sinks));
		engine->setOnFinished([this](int) { onEngineFinished(); });
		pipelines_.push_back({source.name, std::move(engine), std::nullopt});
	}
	for (Pipeline &pipeline : pipelines_) {
		Result<void> configured = pipeline.engine->configure();
		if (!configured)
			return setUpFailed(pipeline, configured.error());
	}
	startup_.configuredNs = monotonicNowNs();
	for (const Pipeline &pipeline : pipelines_) {
		std::string prefix = pipelines_.size() > 1 ? "source " + pipeline.name + ": " : "";
		const Source &source = pipeline.engine->source();
		/* Once, before streaming: a path that copies says so even
		 * when nobody reads the stats. */
		for (const std::string &note : source.notes())
			fprintf(stderr, "primecam: note: %s%s\n", prefix.c_str(), note.c_str());
		/* The device gave something else than asked (libcamera rounds
		 * sizes): the user learns it here, not from a puzzling display. */
		for (const std::string &line : source.adjustments())
			fprintf(stderr, "primecam: %s: %s%s\n", options_.configPath.c_str(),
				prefix.c_str(), line.c_str());
	}
	return {};
}

void RunSession::onEngineFinished()
{
	for (const Pipeline &pipeline : pipelines_)
		if (!pipeline.engine->finished())
			return;
	loop_->exit(0);
}

Result<void> RunSession::enginesError() const
{
	std::optional<Error> all;
	for (const Pipeline &pipeline : pipelines_) {
		const std::optional<Error> &error = pipeline.engine->error();
		if (!error)
			continue;
		Error named = ofSource(pipeline, *error);
		if (!all)
			all = std::move(named);
		else
			all->message += "; " + named.message;
	}
	if (all)
		return std::move(*all);
	return {};
}

Result<void> RunSession::stream()
{
	/* --frames: that many from each camera. */
	if (options_.frames)
		for (const Pipeline &pipeline : pipelines_)
			pipeline.engine->setFrameLimit(options_.frames);
	for (Pipeline &pipeline : pipelines_) {
		Result<void> ret = pipeline.engine->start();
		if (!ret)
			return setUpFailed(pipeline, ret.error());
	}

	if (options_.durationS > 0) {
		auto duration = std::chrono::nanoseconds(
			static_cast<int64_t>(std::llround(options_.durationS * 1e9)));
		Result<EventLoop::TimerId> timer = loop_->addTimer(
			duration, std::chrono::nanoseconds(0), [this] { loop_->exit(0); });
		if (!timer)
			return Error{timer.error().code,
				     "--duration timer: " + timer.error().message};
	}

	std::vector<StatusLine::Source> shown;
	for (const Pipeline &pipeline : pipelines_)
		shown.push_back({pipeline.name, &pipeline.engine->stats()});
	status_ = std::make_unique<StatusLine>(std::move(shown), STDERR_FILENO);
	Result<void> ret = status_->start(*loop_);
	if (!ret)
		return ret;

	int code = loop_->run();
	status_->stop();
	if (code < 0)
		return Error::fromErrno(-code, "event loop (epoll_wait)");
	/* One camera failing did not stop the others; the run still failed. */
	return enginesError();
}

Result<void> RunSession::takeSnapshot()
{
	/* Still streaming: the writeback connector copies what the CRTC
	 * composes, so the picture must still be on the screen. Without a kms
	 * sink, what the gl-headless sink rendered last (its FBO). */
	Result<Image> image = kms_ ? kms_->captureWriteback() : glReadPixels_();
	if (!image)
		return Error{image.error().code,
			     "--snapshot " + options_.snapshotPath + ": " + image.error().message};
	snapshot_ = std::move(*image);
	return {};
}

void RunSession::printSourceSummary(const PipelineStats &stats) const
{
	double seconds = static_cast<double>(stats.endNs - stats.startNs) / 1e9;
	printf("%llu frames captured in %.2f s (%.1f fps), %llu CPU copies\n",
	       static_cast<unsigned long long>(stats.captured), seconds,
	       seconds > 0 ? static_cast<double>(stats.captured) / seconds : 0.0,
	       static_cast<unsigned long long>(stats.copies()));
	for (const StageStats &stage : stats.stages) {
		printf("  stage %s: %llu processed, %llu dropped, %llu conversions, sync %llu/%llu "
		       "start/end, CPU p50 %.2f ms\n",
		       stage.name.c_str(), static_cast<unsigned long long>(stage.processed),
		       static_cast<unsigned long long>(stage.droppedBehind) + stage.droppedNoBuffer,
		       static_cast<unsigned long long>(stage.conversions),
		       static_cast<unsigned long long>(stage.syncStarts),
		       static_cast<unsigned long long>(stage.syncEnds),
		       static_cast<double>(stage.cpuTime.percentile(50)) / 1e6);
	}
	for (const SinkStats &sink : stats.sinks) {
		printf("  %s: %llu displayed, %llu dropped", sink.name.c_str(),
		       static_cast<unsigned long long>(sink.displayed),
		       static_cast<unsigned long long>(sink.droppedTotal()));
		if (sink.latency.count() || !sink.displayed)
			printf(", latency p50 %.1f ms p99 %.1f ms\n",
			       static_cast<double>(sink.latency.percentile(50)) / 1e6,
			       static_cast<double>(sink.latency.percentile(99)) / 1e6);
		else
			printf(", latency unknown (no trusted capture time)\n");
	}
	/* Named once: which capture times were left out, and why. */
	std::string untrusted;
	for (size_t i = 1; i < stats.untrustedTimestamps.size(); ++i)
		if (stats.untrustedTimestamps[i])
			untrusted += std::string(untrusted.empty() ? "" : ", ") +
				     timestampTrustName(static_cast<TimestampTrust>(i)) + " " +
				     std::to_string(stats.untrustedTimestamps[i]);
	if (!untrusted.empty())
		printf("  capture timestamps left out of latency: %s\n", untrusted.c_str());
	std::string restarts;
	for (const auto &[reason, n] : stats.restarts)
		restarts += std::string(restarts.empty() ? "" : ", ") + reason + " " +
			    std::to_string(n);
	if (!restarts.empty())
		printf("  stream restarted after driver errors: %s\n", restarts.c_str());
	if (stats.reconnects)
		printf("  the camera came back %llu time(s), after %.1f s without it in all\n",
		       static_cast<unsigned long long>(stats.reconnects),
		       static_cast<double>(stats.offlineNs) / 1e9);
	if (stats.sourceChanges)
		printf("  the source changed its format %llu time(s); the pipeline followed\n",
		       static_cast<unsigned long long>(stats.sourceChanges));
}

void RunSession::printSummary() const
{
	/* One block per source, headed by its name when there are several. */
	for (const Pipeline &pipeline : pipelines_) {
		if (pipelines_.size() > 1)
			printf("primecam: source %s: ", pipeline.name.c_str());
		else
			printf("primecam: ");
		printSourceSummary(pipeline.engine->stats());
	}
	/* Start-up is the process's: measured to the first source's first
	 * frame, as the stats JSON's top level. */
	StartupMs startup = startupMs(startup_, pipelines_.front().engine->stats());
	if (startup.configured) {
		printf("  start-up (ms after the process started): config %.0f, configured %.0f",
		       startup.configParsed.value_or(0), *startup.configured);
		if (startup.firstCapture)
			printf(", first frame %.0f", *startup.firstCapture);
		if (startup.firstDisplay)
			printf(", first shown %.0f", *startup.firstDisplay);
		printf("\n");
	}
	fflush(stdout);
}

RunReport RunSession::report(const Result<void> &ret) const
{
	RunReport report;
	report.configFile = options_.configPath;
	if (!ret)
		report.error = ret.error();
	report.signal = signal_;
	report.startup = startup_;
	for (const Pipeline &pipeline : pipelines_) {
		SourceReport &source = report.sources.emplace_back();
		source.name = pipeline.name;
		source.device = pipeline.engine->source().describe();
		source.stats = &pipeline.engine->stats();
		source.adjustments = pipeline.engine->source().adjustments();
		source.error =
			pipeline.engine->error() ? pipeline.engine->error() : pipeline.setUpError;
	}
	for (const std::shared_ptr<KmsDisplay> &display : displays_)
		report.displays.push_back({display->describe(), display->counters()});
	if (!report.sources.empty()) {
		/* The top level: the first source, as before there were several. */
		report.source = report.sources.front().device;
		report.stats = report.sources.front().stats;
		report.adjustments = report.sources.front().adjustments;
	} else if (config_) {
		/* The run failed before the sources existed: what the config
		 * asked for. */
		const SourceConfig &first = config_->source();
		if (first.type() == SourceConfig::Type::Libcamera)
			report.source = "libcamera " + first.libcamera().camera;
		else
			report.source = first.v4l2().device;
	}
	return report;
}

int RunSession::execute()
{
	/* Without it start-up is not reported, and nothing else changes. */
	Result<int64_t> processStart = processStartMonotonicNs();
	if (processStart)
		startup_.processNs = *processStart;
	Result<void> ret = setUp();
	if (ret)
		ret = stream();
	if (ret && !options_.snapshotPath.empty())
		ret = takeSnapshot();

	/* Stop before reporting: it sets the end time, and the sinks count
	 * the frames still in flight. */
	for (const Pipeline &pipeline : pipelines_)
		pipeline.engine->stop();

	if (ret && snapshot_) {
		Result<void> written = writePng(*snapshot_, options_.snapshotPath);
		if (!written)
			ret = std::move(written).error();
	}

	if (!ret)
		fprintf(stderr, "primecam: %s\n", ret.error().message.c_str());
	else if (!pipelines_.empty())
		printSummary();

	if (!options_.statsPath.empty()) {
		Result<void> written = writeStatsFile(options_.statsPath, report(ret));
		if (!written) {
			fprintf(stderr, "primecam: %s\n", written.error().message.c_str());
			return 1;
		}
	}
	return ret ? 0 : 1;
}

} /* namespace */

int runCommand(const RunOptions &options)
{
	RunSession session(options);
	return session.execute();
}

} /* namespace primecam */

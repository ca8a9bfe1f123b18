/* SPDX-License-Identifier: MIT */
#include "src/verify/case_config.h"

namespace primecam {

namespace {

std::string quoted(const std::string &text)
{
	std::string out = "\"";
	for (char c : text) {
		if (c == '"' || c == '\\')
			out += '\\';
		out += c;
	}
	return out + "\"";
}

std::string sourceText(const CaseSpec &spec, const CameraOffer &camera, const DisplayOffer &display)
{
	std::string text = "[source]\n";
	if (camera.libcamera) {
		text += "type = \"libcamera\"\ncamera = " + quoted(camera.device) + "\n";
	} else {
		text += "type = \"v4l2\"\ndevice = " + quoted(camera.device) + "\n";
		text += "api = " + quoted(spec.api) + "\n";
	}
	text += "format = " + quoted(std::string(spec.format->name)) + "\n";
	text += "width = " + std::to_string(spec.size.width) +
		"\nheight = " + std::to_string(spec.size.height) + "\nbuffers = 4\n";
	if (spec.pool) {
		text += "memory = \"dmabuf\"\npool = " + quoted(poolKindName(*spec.pool)) + "\n";
		if (*spec.pool == PoolKind::Dumb)
			text += "pool_card = " + quoted(display.card) + "\n";
	}
	if (camera.driver == "vivid") {
		/*
		 * vivid: its webcam input (an earlier user may have left it on
		 * HDMI, whose colorimetry and sizes differ); 25 fps, which it
		 * offers at every webcam size up to 720p (after S_FMT it falls
		 * to 5 fps unless asked); and capture times stamped at the
		 * start of exposure: its default, end of frame, is computed as
		 * start + 0.9 periods and lies in the future under emulation,
		 * which would leave latency unmeasured.
		 */
		text += "input = 0\nfps = 25\n\n[source.controls]\ntimestamp_source = 1\n";
	}
	return text;
}

std::string stageText(const CaseSpec &spec, const PathStage &stage)
{
	switch (stage.path) {
	case VerifyPath::Direct:
	case VerifyPath::GlKms:
		return {};
	case VerifyPath::M2m: {
		std::string text =
			"\n[[stage]]\ntype = \"m2m\"\ndevice = " + quoted(stage.m2mDriver) +
			"\nformat = " + quoted(std::string(stage.writes->name)) +
			"\nwidth = " + std::to_string(spec.size.width) +
			"\nheight = " + std::to_string(spec.size.height) + "\nbuffers = 4\n";
		/* vim2m holds each frame for its "transaction time", 40 ms by
		 * default: a simulated device's delay, not a path's. */
		if (stage.m2mDriver == "vim2m")
			text += "\n[stage.controls]\n\"Transaction Time (msec)\" = 1\n";
		return text;
	}
	case VerifyPath::Conversion: {
		std::string text = "\n[[stage]]\ntype = \"convert\"\nformat = " +
				   quoted(std::string(stage.writes->name)) + "\n";
		if (stage.matrix)
			text += "matrix = " + quoted(yuvMatrixName(*stage.matrix)) + "\n";
		return text;
	}
	}
	return {};
}

} /* namespace */

std::string caseConfigText(const CaseSpec &spec, const PathStage &stage, const CameraOffer &camera,
			   const DisplayOffer &display)
{
	std::string text = "# primecam verify: " + spec.name() + "\n\n" +
			   sourceText(spec, camera, display) + stageText(spec, stage);
	text += "\n[[sink]]\ntype = " +
		std::string(stage.path == VerifyPath::GlKms ? "\"gl-kms\"" : "\"kms\"") +
		"\ncard = " + quoted(display.card) + "\n";
	text += std::string("plane = ") + (spec.overlay ? "\"overlay\"" : "\"primary\"") +
		"\nplacement = " + (spec.overlay ? "\"center\"" : "\"fullscreen\"") + "\n";
	text += "mode = \"" + std::to_string(spec.mode.width) + "x" +
		std::to_string(spec.mode.height) + "\"\n";
	return text;
}

} /* namespace primecam */

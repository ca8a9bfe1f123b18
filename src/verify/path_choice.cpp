/* SPDX-License-Identifier: MIT */
#include "src/verify/path_choice.h"

#include <algorithm>

#include "pipeline/stages/image_convert.h"
#include "src/config_parser.h"
#include "src/doctor.h"
#include "src/scaling_advice.h"

namespace primecam {

namespace {

/* The doctor's verdict on one path: nullopt when it would run. */
std::optional<std::string> refusal(const CaseSpec &spec, const PathStage &stage,
				   const CameraOffer &camera, const DisplayOffer &display,
				   std::string &text, YuvEncoding &encoding)
{
	text = caseConfigText(spec, stage, camera, display);
	Result<PipelineConfig> config = parseConfig(text, spec.name());
	if (!config)
		return config.error().message;
	DoctorFacts facts = gatherDoctorFacts(*config);
	if (facts.source.encoding)
		encoding = *facts.source.encoding;
	if (stage.path == VerifyPath::GlKms && !facts.sinks.empty() && facts.sinks[0].glSoftware)
		return facts.sinks[0].name +
		       " is a software rasterizer, whose drawing is the CPU's: no display path "
		       "to verify";
	DoctorReport report = diagnose(*config, facts);
	if (report.verdict == DoctorVerdict::Impossible)
		return report.lines.empty() ? std::string("impossible") : report.lines.back();
	return std::nullopt;
}

const std::vector<uint32_t> &planeFormats(const CaseSpec &spec, const DisplayOffer &display)
{
	return spec.overlay ? display.overlayFormats : display.primaryFormats;
}

bool takes(const std::vector<uint32_t> &formats, const PixelFormatInfo &format)
{
	return std::find(formats.begin(), formats.end(), format.drm) != formats.end();
}

} /* namespace */

PathChoice choosePath(const CaseSpec &spec, const CameraOffer &camera, const DisplayOffer &display,
		      VerifyFault fault)
{
	PathChoice choice;
	std::string text;
	YuvEncoding encoding;
	auto tryPath = [&](PathStage stage) {
		std::optional<std::string> why =
			refusal(spec, stage, camera, display, text, encoding);
		if (why) {
			choice.refusals.push_back(std::string(verifyPathName(stage.path)) + ": " +
						  *why);
			return false;
		}
		choice.stage = stage;
		choice.configText = text;
		return true;
	};

	if (tryPath({VerifyPath::Direct, {}, nullptr, {}}))
		return choice;

	const std::vector<uint32_t> &formats = planeFormats(spec, display);
	ScalingNeed need{spec.format,	  spec.size.width,  spec.size.height,
			 spec.size.width, spec.size.height, formats};
	std::vector<M2mScaler> scalers = findM2mFor(need);
	if (scalers.empty())
		choice.refusals.push_back("m2m: no mem2mem device here reads " +
					  std::string(spec.format->name) +
					  " at this size and writes a format the plane takes");
	for (const M2mScaler &scaler : scalers)
		if (tryPath({VerifyPath::M2m, scaler.driver, scaler.writes, {}}))
			return choice;

	const PixelFormatInfo *target = nullptr;
	for (const PixelFormatInfo *to : conversionTargets())
		if (takes(formats, *to) && canConvert(*spec.format, *to)) {
			target = to;
			break;
		}
	if (!target) {
		choice.refusals.push_back("convert: libyuv converts " +
					  std::string(spec.format->name) +
					  " into no format the plane takes");
	} else {
		PathStage stage{VerifyPath::Conversion, {}, target, {}};
		if (tryPath(stage)) {
			if (fault == VerifyFault::WrongMatrix && spec.format->yuv) {
				/* The doctor asked the camera its encoding while
				 * deciding; the fault reads with the other. */
				choice.stage->matrix = encoding.matrix == YuvMatrix::Bt709
							       ? YuvMatrix::Bt601
							       : YuvMatrix::Bt709;
				choice.configText =
					caseConfigText(spec, *choice.stage, camera, display);
			}
			return choice;
		}
	}

	tryPath({VerifyPath::GlKms, {}, nullptr, {}});
	return choice;
}

} /* namespace primecam */

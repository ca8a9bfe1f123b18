/* SPDX-License-Identifier: MIT */
#include "v4l2/format_enum.h"

#include <cmath>
#include <cstdio>
#include <numeric>

#include "base/pixel_format.h"

namespace primecam {

namespace {

std::string sizeText(const FrameSize &size)
{
	return primecam::sizeText(size.width, size.height);
}

std::string fractionText(const Fraction &f)
{
	return std::to_string(f.numerator) + "/" + std::to_string(f.denominator);
}

} /* namespace */

bool FrameSizes::contains(uint32_t width, uint32_t height) const
{
	switch (kind) {
	case Kind::Unknown:
		return true;
	case Kind::Discrete:
		for (const FrameSize &size : discrete) {
			if (size.width == width && size.height == height)
				return true;
		}
		return false;
	case Kind::Stepwise:
	case Kind::Continuous:
		if (width < min.width || width > max.width || height < min.height ||
		    height > max.height)
			return false;
		/* A step of 0 would be a driver bug; read it as "any". */
		return (stepWidth == 0 || (width - min.width) % stepWidth == 0) &&
		       (stepHeight == 0 || (height - min.height) % stepHeight == 0);
	}
	return false;
}

std::string FrameSizes::describe() const
{
	switch (kind) {
	case Kind::Unknown:
		return "(sizes not enumerated by the driver)";
	case Kind::Discrete: {
		std::string text;
		for (const FrameSize &size : discrete)
			text += (text.empty() ? "" : " ") + sizeText(size);
		return text.empty() ? "(no sizes)" : text;
	}
	case Kind::Stepwise:
		return sizeText(min) + " - " + sizeText(max) + " in steps of " +
		       std::to_string(stepWidth) + "x" + std::to_string(stepHeight);
	case Kind::Continuous:
		return sizeText(min) + " - " + sizeText(max) + " (any size)";
	}
	return {};
}

FrameSize FrameSizes::first() const
{
	if (kind == Kind::Discrete)
		return discrete.empty() ? FrameSize{} : discrete.front();
	return min;
}

double Fraction::fps() const
{
	if (numerator == 0)
		return 0;
	return static_cast<double>(denominator) / numerator;
}

std::string Fraction::describeInterval() const
{
	char rate[32];
	std::snprintf(rate, sizeof(rate), "%.6g", fps());
	return fractionText(*this) + " (" + rate + " fps)";
}

Fraction intervalForFps(double fps)
{
	if (!(fps > 0) || !std::isfinite(fps))
		return {};
	/* Milli-fps keep 29.97 and 59.94 exact; the gcd brings 25 back to 1/25. */
	double milli = std::round(fps * 1000.0);
	if (milli < 1 || milli > 4294967295.0)
		return {};
	uint32_t denominator = static_cast<uint32_t>(milli);
	uint32_t numerator = 1000;
	uint32_t divisor = std::gcd(numerator, denominator);
	return {numerator / divisor, denominator / divisor};
}

bool rateDiffers(Fraction granted, double askedFps)
{
	if (!(askedFps > 0) || !granted.numerator)
		return false;
	/* Relative, not exact: a config's "29.97" is 100/2997 s and NTSC's
	 * 1001/30000 s, 1 ppm apart, and the same rate to anyone reading. */
	return std::fabs(granted.fps() - askedFps) > askedFps * 1e-4;
}

std::string rateAdjustment(std::string_view driver, Fraction granted, double askedFps,
			   uint32_t width, uint32_t height)
{
	if (!rateDiffers(granted, askedFps))
		return "";
	char text[160];
	std::snprintf(text, sizeof(text), "%.*s gives %.6g fps at %ux%u; the config asks %.6g",
		      static_cast<int>(driver.size()), driver.data(), granted.fps(), width, height,
		      askedFps);
	return text;
}

std::optional<Fraction> FrameIntervals::nearestTo(double fps) const
{
	if (!(fps > 0))
		return std::nullopt;
	switch (kind) {
	case Kind::Unknown:
		return std::nullopt;
	case Kind::Discrete: {
		std::optional<Fraction> best;
		for (const Fraction &f : discrete)
			if (f.numerator &&
			    (!best || std::fabs(f.fps() - fps) < std::fabs(best->fps() - fps)))
				best = f;
		return best;
	}
	case Kind::Stepwise:
	case Kind::Continuous:
		/* min is the shortest interval: the fastest rate. */
		if (min.numerator && fps > min.fps())
			return min;
		if (max.numerator && fps < max.fps())
			return max;
		return intervalForFps(fps);
	}
	return std::nullopt;
}

std::string FrameIntervals::describe() const
{
	switch (kind) {
	case Kind::Unknown:
		return "(intervals not enumerated by the driver)";
	case Kind::Discrete: {
		std::string text;
		for (const Fraction &f : discrete)
			text += (text.empty() ? "" : ", ") + f.describeInterval();
		return text.empty() ? "(no intervals)" : text;
	}
	case Kind::Stepwise:
		return min.describeInterval() + " - " + max.describeInterval() + " in steps of " +
		       fractionText(step);
	case Kind::Continuous:
		return min.describeInterval() + " - " + max.describeInterval() + " (any interval)";
	}
	return {};
}

std::string describeFormats(const std::vector<FormatDescription> &formats)
{
	std::string text;
	for (const FormatDescription &desc : formats) {
		if (!text.empty())
			text += ", ";
		text += fourccToString(desc.fourcc);
		/* V4L2 and DRM names differ (V4L2 'XR24' is DRM XRGB8888): show
		 * the name primecam's config files use. */
		const PixelFormatInfo *info = formatByV4l2(desc.fourcc);
		if (info) {
			text += " (";
			text += info->name;
			text += ")";
		} else {
			text += " (not handled by primecam)";
		}
	}
	return text.empty() ? "(no formats)" : text;
}

} /* namespace primecam */

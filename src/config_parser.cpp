/* SPDX-License-Identifier: MIT */
#include "src/config_parser.h"

#include <cerrno>
#include <cstdint>

#include <fcntl.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "src/config_schema.h"
#include "src/toml_guard.h"

namespace primecam {

namespace {

/* No real config comes close; a bigger file is a mistake (a video?). */
constexpr size_t kMaxFileSize = 1 << 20;

} /* namespace */

Result<PipelineConfig> parseConfig(std::string_view text, std::string_view fileName)
{
	if (std::optional<Error> error = checkTomlCharacters(text, fileName))
		return std::move(*error);
	toml::parse_result parsed = toml::parse(text, fileName);
	if (!parsed) {
		const toml::parse_error &err = parsed.error();
		std::string message(fileName);
		if (err.source().begin.line) {
			message += ":" + std::to_string(err.source().begin.line) + ":" +
				   std::to_string(err.source().begin.column);
		}
		message += ": ";
		message += config::escape(err.description(), SIZE_MAX);
		return Error{EINVAL, std::move(message)};
	}
	config::SchemaReader reader(fileName);
	return reader.read(parsed.table());
}

Result<PipelineConfig> loadConfigFile(const std::string &path)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd)
		return Error::fromErrno(errno, "opening config file " + path);

	std::string text;
	char buf[4096];
	for (;;) {
		ssize_t n = ::read(fd.get(), buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return Error::fromErrno(errno, "reading config file " + path);
		if (n == 0)
			break;
		text.append(buf, static_cast<size_t>(n));
		if (text.size() > kMaxFileSize)
			return Error{EFBIG, path + ": larger than " + std::to_string(kMaxFileSize) +
						    " bytes; not a pipeline config"};
	}
	return parseConfig(text, path);
}

} /* namespace primecam */

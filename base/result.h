/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Error handling for primecam: an Error is a positive errno value plus a
 * message that names what failed (a file and line, a device node, a plane) so
 * that a user can act on it. Result<T> is an expected-style "T or Error".
 *
 * g++ 12 has no std::expected in C++20, hence this small type. It never
 * throws: streaming code checks ok() and moves the value or the error out.
 */

#include <string>
#include <utility>
#include <variant>

namespace primecam {

struct Error {
	int code = 0; /* positive errno */
	std::string message;

	/* "what: strerror(code) (errno N)" */
	static Error fromErrno(int code, std::string_view what);
};

/* strerror() text with the errno number, e.g. "Invalid argument (EINVAL, 22)". */
std::string errnoText(int code);

template<typename T>
class [[nodiscard]] Result
{
public:
	Result(T value) : state_(std::move(value)) {}
	Result(Error error) : state_(std::move(error)) {}

	bool ok() const { return state_.index() == 0; }
	explicit operator bool() const { return ok(); }

	T &value() & { return std::get<0>(state_); }
	const T &value() const & { return std::get<0>(state_); }
	T &&value() && { return std::get<0>(std::move(state_)); }
	T *operator->() { return &value(); }
	const T *operator->() const { return &value(); }
	T &operator*() & { return value(); }

	const Error &error() const & { return std::get<1>(state_); }
	Error &&error() && { return std::get<1>(std::move(state_)); }

private:
	std::variant<T, Error> state_;
};

template<>
class [[nodiscard]] Result<void>
{
public:
	Result() = default;
	Result(Error error) : error_(std::move(error)), failed_(true) {}

	bool ok() const { return !failed_; }
	explicit operator bool() const { return ok(); }

	const Error &error() const & { return error_; }
	Error &&error() && { return std::move(error_); }

private:
	Error error_;
	bool failed_ = false;
};

} /* namespace primecam */

/* SPDX-License-Identifier: MIT */
#include "base/dma_buf.h"

#include <cerrno>
#include <string>
#include <string_view>

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/small_file.h"

namespace primecam {

std::string dmaBufExporter(int fd)
{
	std::string info = readSmallFile("/proc/self/fdinfo/" + std::to_string(fd));
	std::string_view text = info;
	constexpr std::string_view kKey = "\nexp_name:";
	/* fdinfo starts with "pos:", so every key of interest follows a newline. */
	size_t at = text.find(kKey);
	if (at == std::string_view::npos)
		return {};
	text.remove_prefix(at + kKey.size());
	text = text.substr(0, text.find('\n'));
	size_t start = text.find_first_not_of(" \t");
	return start == std::string_view::npos ? std::string() : std::string(text.substr(start));
}

Result<BufferId> bufferIdOf(int fd)
{
	struct stat st = {};
	if (::fstat(fd, &st) < 0)
		return Error::fromErrno(errno, "fstat of buffer fd " + std::to_string(fd));
	return BufferId{st.st_dev, st.st_ino};
}

Result<DmaBuf> DmaBuf::adopt(UniqueFd fd)
{
	if (!fd.isValid())
		return Error::fromErrno(EBADF, "adopting a dma-buf");

	Result<BufferId> id = bufferIdOf(fd.get());
	if (!id)
		return std::move(id).error();

	/* dma-buf implements llseek only for SEEK_END (size) and SEEK_SET 0. */
	off_t end = ::lseek(fd.get(), 0, SEEK_END);
	if (end < 0)
		return Error::fromErrno(errno, "size of buffer fd " + std::to_string(fd.get()) +
						       " (lseek SEEK_END)");
	if (::lseek(fd.get(), 0, SEEK_SET) < 0)
		return Error::fromErrno(errno, "rewinding buffer fd " + std::to_string(fd.get()));

	struct statfs fs = {};
	if (::fstatfs(fd.get(), &fs) < 0)
		return Error::fromErrno(errno, "fstatfs of buffer fd " + std::to_string(fd.get()));

	DmaBuf buf;
	buf.fd_ = std::move(fd);
	buf.size_ = static_cast<size_t>(end);
	buf.id_ = *id;
	buf.isDmaBuf_ = fs.f_type == DMA_BUF_MAGIC;
	return buf;
}

Result<DmaBuf> DmaBuf::dup() const
{
	Result<UniqueFd> fd = fd_.dup();
	if (!fd)
		return std::move(fd).error();
	DmaBuf buf;
	buf.fd_ = std::move(*fd);
	buf.size_ = size_;
	buf.id_ = id_;
	buf.isDmaBuf_ = isDmaBuf_;
	return buf;
}

UniqueFd DmaBuf::release()
{
	size_ = 0;
	id_ = {};
	return std::move(fd_);
}

} /* namespace primecam */

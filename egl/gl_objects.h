/* SPDX-License-Identifier: MIT */
#pragma once

#include <utility>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES3/gl3.h>

namespace primecam {

class EglDisplay;

/*
 * One owner per GL or EGL object, move-only, as for kernel objects: an
 * EGLImage or a texture that outlives its buffer would keep the dma-buf
 * (and its memory) alive in the driver. Each destructor needs the context
 * that made the object to be current; the sinks keep theirs current on the
 * event-loop thread and destroy their objects before the display.
 */
template<typename Traits>
class GlObject
{
public:
	GlObject() = default;
	explicit GlObject(GLuint name) : name_(name) {}
	~GlObject() { reset(); }
	GlObject(GlObject &&other) noexcept : name_(std::exchange(other.name_, 0)) {}
	GlObject &operator=(GlObject &&other) noexcept
	{
		if (this != &other) {
			reset();
			name_ = std::exchange(other.name_, 0);
		}
		return *this;
	}
	GlObject(const GlObject &) = delete;
	GlObject &operator=(const GlObject &) = delete;

	static GlObject create() { return GlObject(Traits::create()); }
	GLuint get() const { return name_; }
	explicit operator bool() const { return name_ != 0; }
	void reset()
	{
		if (name_)
			Traits::destroy(name_);
		name_ = 0;
	}

private:
	GLuint name_ = 0;
};

struct GlTextureTraits {
	static GLuint create()
	{
		GLuint n = 0;
		glGenTextures(1, &n);
		return n;
	}
	static void destroy(GLuint n) { glDeleteTextures(1, &n); }
};
struct GlFramebufferTraits {
	static GLuint create()
	{
		GLuint n = 0;
		glGenFramebuffers(1, &n);
		return n;
	}
	static void destroy(GLuint n) { glDeleteFramebuffers(1, &n); }
};
struct GlRenderbufferTraits {
	static GLuint create()
	{
		GLuint n = 0;
		glGenRenderbuffers(1, &n);
		return n;
	}
	static void destroy(GLuint n) { glDeleteRenderbuffers(1, &n); }
};
struct GlProgramTraits {
	static GLuint create() { return glCreateProgram(); }
	static void destroy(GLuint n) { glDeleteProgram(n); }
};
struct GlShaderTraits {
	static GLuint create() { return 0; }
	static void destroy(GLuint n) { glDeleteShader(n); }
};
struct GlVertexArrayTraits {
	static GLuint create()
	{
		GLuint n = 0;
		glGenVertexArrays(1, &n);
		return n;
	}
	static void destroy(GLuint n) { glDeleteVertexArrays(1, &n); }
};

using GlTexture = GlObject<GlTextureTraits>;
using GlFramebuffer = GlObject<GlFramebufferTraits>;
using GlRenderbuffer = GlObject<GlRenderbufferTraits>;
using GlProgram = GlObject<GlProgramTraits>;
using GlShader = GlObject<GlShaderTraits>;
using GlVertexArray = GlObject<GlVertexArrayTraits>;

/* The owner of one EGLImage (destroyed through its display's entry point). */
class EglImage
{
public:
	EglImage() = default;
	EglImage(const EglDisplay *display, EGLImageKHR image) : display_(display), image_(image) {}
	~EglImage() { reset(); }
	EglImage(EglImage &&other) noexcept
		: display_(other.display_), image_(std::exchange(other.image_, EGL_NO_IMAGE_KHR))
	{}
	EglImage &operator=(EglImage &&other) noexcept
	{
		if (this != &other) {
			reset();
			display_ = other.display_;
			image_ = std::exchange(other.image_, EGL_NO_IMAGE_KHR);
		}
		return *this;
	}
	EglImage(const EglImage &) = delete;
	EglImage &operator=(const EglImage &) = delete;

	EGLImageKHR get() const { return image_; }
	explicit operator bool() const { return image_ != EGL_NO_IMAGE_KHR; }
	void reset();

private:
	const EglDisplay *display_ = nullptr;
	EGLImageKHR image_ = EGL_NO_IMAGE_KHR;
};

} /* namespace primecam */

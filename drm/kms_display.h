/* SPDX-License-Identifier: MIT */
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/fd_watch.h"
#include "base/image.h"
#include "base/result.h"
#include "drm/atomic_request.h"
#include "drm/card.h"
#include "drm/display_counters.h"
#include "drm/dumb_buffer.h"
#include "drm/framebuffer.h"
#include "drm/gem_handle_table.h"
#include "drm/kms_output.h"
#include "drm/kms_resources.h"
#include "drm/property_blob.h"
#include "drm/writeback.h"

namespace primecam {

class EventLoop;

/*
 * One card's display as the kms sinks on it share it: the card (opened as
 * DRM master once), its GEM handles, the CRTC, connector and mode the first
 * sink chose, a black primary under overlays, and the atomic commits.
 *
 * A CRTC takes one non-blocking commit at a time (a second one before the
 * first's flip event gets EBUSY), so sinks do not commit: they stage their
 * plane's next framebuffer. With nothing in flight the display commits at
 * once; while a commit is in flight, the planes staged meanwhile wait for
 * its flip event and then go out together, in one commit: at most one
 * commit per vblank, whatever the number of cameras. Each sink hears of
 * the flip that put its frame on screen, which is when it releases the
 * frame the flip replaced.
 *
 * Made by the pipeline builder, one per card, and held by its sinks; a sink
 * made alone makes its own.
 */
class KmsDisplay
{
public:
	/* What the display asks of a sink. */
	class Client
	{
	public:
		/* The sink's output (connector, CRTC, mode, plane, placement),
		 * while it is joined. */
		virtual const KmsOutput &kmsOutput() const = 0;
		/* The commit that carried this sink's last staged framebuffer
		 * flipped, at timestampNs (CLOCK_MONOTONIC). */
		virtual void flipped(int64_t timestampNs) = 0;
		/* The CRTC was busy (another client's commit): the staged
		 * framebuffer goes out at the next vblank. */
		virtual void commitDeferred() = 0;
		/* That commit failed (-errno); what says which one. */
		virtual void commitFailed(int err, const std::string &what) = 0;
		/* "kms vkms/Virtual-1 plane 40 (overlay)" */
		virtual std::string describe() const = 0;

	protected:
		~Client() = default;
	};

	/* card: a path or a driver name, as in the config. */
	explicit KmsDisplay(std::string card);
	~KmsDisplay();
	KmsDisplay(const KmsDisplay &) = delete;
	KmsDisplay &operator=(const KmsDisplay &) = delete;

	/* A sink that will use the display (made by the builder): counted,
	 * for the messages of a display with too few planes. */
	void attach() { ++attached_; }

	/* Opens the card (DRM master, atomic) and reads its resources, unless
	 * a joined sink already did. */
	Result<void> open();
	bool isOpen() const { return (card_.fd() >= 0); }
	const Card &card() const { return card_; }
	const KmsResources &resources() const { return *resources_; }
	GemHandleTable &handles() { return *handles_; }
	const GemHandleTable &handles() const { return *handles_; }
	bool modifiers() const { return modifiers_; }
	/* The CRTC, connector and mode of the joined sinks and the planes
	 * they show, for KmsOutput::select(); none before the first joins. */
	std::optional<KmsOutput::Sharing> sharing() const;

	/*
	 * A configured sink joins the composition. The whole composition (each
	 * joined sink's plane with its framebuffer in fbs' order: client's
	 * one of fbs, the others' first) is checked with TEST_ONLY commits,
	 * one per framebuffer of client. On error client did not join.
	 */
	Result<void> join(Client &client, const std::vector<uint32_t> &fbs);
	/* The sink leaves (it must be stopped); the last one closes the card. */
	void leave(Client &client);

	/* A joined sink starts streaming: the card's events are watched. */
	Result<void> start(EventLoop &loop, Client &client);
	/*
	 * Stages client's plane to show fb, committing now if nothing is in
	 * flight. 0, or the -errno of that commit (the frame is client's to
	 * release); -EBUSY: the CRTC was busy, fb waits for the next vblank.
	 * A staged plane that was already staged takes the newer fb.
	 */
	int stage(Client &client, uint32_t fb);
	/* The sink stops: its staged frame is dropped, the commit in flight
	 * waited for (at most timeout), and its plane switched off with a
	 * blocking commit, or the whole output when it was the last sink. */
	Result<void> stop(Client &client, std::chrono::milliseconds timeout);
	/* What the CRTC composes now, through the writeback connector. */
	Result<Image> captureWriteback(std::chrono::milliseconds flipTimeout,
				       std::chrono::milliseconds writebackTimeout);
	/* A commit is in flight (its flip event not yet read). */
	bool inFlight() const { return !inFlight_.empty(); }
	bool modesetDone() const { return modesetDone_; }
	const DisplayCounters &counters() const { return counters_; }
	/* The card as it describes itself while open, else as configured. */
	std::string describe() const;
	/* A commit error after which no commit can succeed: another client
	 * took DRM master (a compositor, a VT switch: EACCES, EPERM), or the
	 * card is gone (ENODEV). err > 0. */
	static bool fatalCommitError(int err)
	{
		return err == EACCES || err == EPERM || err == ENODEV;
	}
	/* Fatal for every sink: another client took DRM master, the card is
	 * gone, or the CRTC stayed busy. 0 if none. */
	int fatal() const { return fatal_; }
	/* What made it fatal, or an event the card could not deliver. */
	const std::optional<Error> &error() const { return error_; }

private:
	struct Staged {
		Client *client;
		uint32_t fb;
	};

	Client *lead() const { return joined_.empty() ? nullptr : joined_.front(); }
	/* The first joined sink's output: its CRTC, connector and mode are
	 * every joined sink's. Only while one is joined. */
	const KmsOutput &leadOutput() const { return joined_.front()->kmsOutput(); }
	/* Under overlays only: no joined sink shows the primary plane. */
	bool needsBackground() const;
	Result<void> makeBackground();
	std::vector<uint32_t> joinedPlanes() const;
	/* The framebuffer a joined sink showed its TEST_ONLY commits with. */
	uint32_t firstFb(const Client *client) const;
	/* The full state with each sink's plane: for TEST_ONLY. */
	int addComposition(AtomicRequest &request, const std::vector<Staged> &planes) const;
	Result<void> testComposition(const std::vector<Staged> &planes, Client &client);
	/* Commits staged_ as one non-blocking commit; the -errno is given to
	 * the clients in it but except, whose caller gets it. */
	int commitStaged(Client *except);
	void retryAtNextVblank();
	void onCardEvent(uint32_t events);
	void onFlip(unsigned int sec, unsigned int usec);
	void onVblank();
	static void pageFlipHandler(int fd, unsigned int sequence, unsigned int sec,
				    unsigned int usec, unsigned int crtcId, void *data);
	static void vblankHandler(int fd, unsigned int sequence, unsigned int sec,
				  unsigned int usec, void *data);
	bool waitIdle(std::chrono::milliseconds timeout);
	/* After stop() or a writeback capture: commits may start again, and
	 * what was staged meanwhile goes out. */
	void resume();
	void close();

	std::string cardName_;
	size_t attached_ = 0;

	/* Declared in teardown order, reversed: everything below the card
	 * uses its fd. */
	Card card_;
	bool modifiers_ = false;
	bool monotonic_ = true;
	std::optional<KmsResources> resources_;
	std::unique_ptr<GemHandleTable> handles_;
	PropertyBlob modeBlob_;
	DumbBuffer background_;
	Framebuffer backgroundFb_;
	std::optional<Writeback> writeback_;
	AtomicRequest request_;
	FdWatch cardWatch_;

	/* In join order: the first decides CRTC, connector and mode. */
	std::vector<Client *> joined_;
	std::vector<Staged> firstFbs_;
	std::vector<Client *> started_;
	/* Sinks whose plane has been on since the modeset: only its FB_ID
	 * changes per frame. */
	std::vector<Client *> shown_;
	std::vector<Staged> staged_;
	std::vector<Client *> inFlight_;
	/* While flip events are handed out: staging only collects. */
	bool collecting_ = false;
	/* While stopping or capturing: no new commit starts. */
	bool held_ = false;
	bool modesetDone_ = false;
	bool retryDue_ = false;
	unsigned busyVblanks_ = 0;
	int64_t lastCommitNs_ = 0;
	int fatal_ = 0;
	std::optional<Error> error_;
	DisplayCounters counters_;
};

} /* namespace primecam */

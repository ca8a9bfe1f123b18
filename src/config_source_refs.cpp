/* SPDX-License-Identifier: MIT */
/* The rules that span tables: source names, which source each stage and
 * sink takes, the planes the kms sinks claim, the cells of their layouts. */
#include <map>
#include <utility>

#include "src/config_schema.h"

namespace primecam::config {

namespace {

/* "front, back, cabin": the names as the user wrote them, for messages. */
std::string nameList(const std::vector<SourceConfig> &sources)
{
	std::string names;
	for (const SourceConfig &source : sources)
		names += (names.empty() ? "" : ", ") + escape(source.name);
	return names;
}

bool scansOut(const SinkConfig &sink)
{
	return sink.type == SinkConfig::Type::Kms || sink.type == SinkConfig::Type::GlKms;
}

/* A gl-kms sink with a layout: drawn with the card's other such sinks into
 * one buffer on one plane (the first one's). */
bool composed(const SinkConfig &sink)
{
	return sink.type == SinkConfig::Type::GlKms &&
	       (sink.kms.placement == KmsSinkConfig::Placement::Mosaic ||
		sink.kms.placement == KmsSinkConfig::Placement::Pip);
}

/* "the primary plane", "plane 31", or nothing when the plane is picked at
 * run time (plane = "overlay": the sink takes a free one). */
std::optional<std::string> claimedPlane(const KmsSinkConfig &kms)
{
	switch (kms.plane) {
	case KmsSinkConfig::Plane::Primary:
		return "the primary plane";
	case KmsSinkConfig::Plane::Id:
		return "plane " + std::to_string(kms.planeId);
	case KmsSinkConfig::Plane::Overlay:
		break;
	}
	return std::nullopt;
}

} /* namespace */

KeyRule SchemaReader::sourceRefRule(SourceRef &ref)
{
	return {"source", [this, &ref](const toml::key &k, const toml::node &v) {
			ref.name = string(k, v, ref.path + ".source");
			ref.key = k.source();
			return ref.name.has_value();
		}};
}

bool SchemaReader::checkSourceNames(std::vector<SourceConfig> &sources)
{
	for (size_t i = 0; i < sources.size(); ++i) {
		const SourceTable &table = sourceTables_[i];
		if (sources[i].name.empty()) {
			/* The only source needs no name: every stage and sink
			 * takes it, and old configs have none. */
			if (sources.size() == 1) {
				sources[i].name = "source";
				continue;
			}
			return fail(table.table->source(), table.path + ".name",
				    "required key missing (the config has " +
					    std::to_string(sources.size()) +
					    " sources: each needs a name, which its stages and "
					    "sinks give as source = \"NAME\")");
		}
		for (size_t j = 0; j < i; ++j)
			if (sources[j].name == sources[i].name)
				return fail(keyOf(*table.table, "name")->source(),
					    table.path + ".name",
					    quote(sources[i].name) + " is already the name of " +
						    sourceTables_[j].path +
						    "; each source needs a name of its own");
	}
	return true;
}

bool SchemaReader::resolve(const SourceRef &ref, const std::vector<SourceConfig> &sources,
			   size_t &index)
{
	if (!ref.name) {
		if (sources.size() == 1) {
			index = 0;
			return true;
		}
		return fail(ref.table->source(), ref.path + ".source",
			    "required when the config has " + std::to_string(sources.size()) +
				    " sources (" + nameList(sources) + ")");
	}
	for (size_t i = 0; i < sources.size(); ++i) {
		if (sources[i].name == *ref.name) {
			index = i;
			return true;
		}
	}
	return fail(ref.key, ref.path + ".source",
		    "unknown source " + quote(*ref.name) + "; the config's " +
			    (sources.size() == 1 ? "source is " : "sources are ") +
			    nameList(sources));
}

bool SchemaReader::resolveSources(PipelineConfig &config)
{
	for (size_t i = 0; i < config.stages.size(); ++i)
		if (!resolve(stageRefs_[i], config.sources, config.stages[i].source))
			return false;
	for (size_t i = 0; i < config.sinks.size(); ++i)
		if (!resolve(sinkRefs_[i], config.sources, config.sinks[i].source))
			return false;
	/* A source nobody shows would stream for nothing: more likely a sink
	 * that names the wrong one. */
	for (size_t i = 0; i < config.sources.size(); ++i) {
		if (!config.sinksOf(i).empty())
			continue;
		const SourceTable &table = sourceTables_[i];
		return fail(table.table->source(), table.path,
			    "no [[sink]] takes the frames of " + quote(config.sources[i].name) +
				    "; give a sink source = " + quote(config.sources[i].name) +
				    " or remove the source");
	}
	return true;
}

bool SchemaReader::checkPlanes(const PipelineConfig &config)
{
	/* Cards are compared as written: "vkms" and "/dev/dri/card1" may be
	 * one card, which only opening them tells (the display does, at
	 * configure). */
	for (size_t j = 0; j < config.sinks.size(); ++j) {
		const SinkConfig &later = config.sinks[j];
		std::optional<std::string> plane = claimedPlane(later.kms);
		if (!scansOut(later) || !plane)
			continue;
		for (size_t i = 0; i < j; ++i) {
			const SinkConfig &earlier = config.sinks[i];
			/* A composition's sinks share its one plane. */
			if (!scansOut(earlier) || earlier.kms.card != later.kms.card ||
			    claimedPlane(earlier.kms) != plane ||
			    (composed(earlier) && composed(later)))
				continue;
			const SourceRef &ref = sinkRefs_[j];
			const toml::key *key = keyOf(*ref.table, "plane");
			return fail(key ? key->source() : ref.table->source(), ref.path + ".plane",
				    *plane + " of card " + quote(later.kms.card) + " is already " +
					    sinkRefs_[i].path +
					    "'s; give each sink a plane of its own (plane = "
					    "\"overlay\" or a plane id from `primecam list`)");
		}
	}
	return true;
}

bool SchemaReader::checkCompositions(const PipelineConfig &config)
{
	/* A card composed by GL is one buffer on one plane, which its gl-kms
	 * sinks with a layout share: another sink on that card would need a
	 * second DRM master (a gl-kms sink of its own) or a commit of its own
	 * on the CRTC (a kms sink), which one commit per vblank rules out. */
	for (size_t j = 0; j < config.sinks.size(); ++j) {
		const SinkConfig &later = config.sinks[j];
		if (!scansOut(later))
			continue;
		for (size_t i = 0; i < config.sinks.size(); ++i) {
			const SinkConfig &other = config.sinks[i];
			if (i == j || !composed(other) || other.kms.card != later.kms.card)
				continue;
			if (composed(later) && later.kms.placement == other.kms.placement)
				continue;
			if (composed(later) && i > j)
				continue; /* said at the later of the two */
			const SourceRef &ref = sinkRefs_[j];
			const char *layout = other.kms.placement == KmsSinkConfig::Placement::Pip
						     ? "\"pip\""
						     : "\"mosaic\"";
			std::string what = composed(later) ? "a gl-kms sink with another layout"
					   : later.type == SinkConfig::Type::Kms
						   ? "a kms sink"
						   : "a gl-kms sink without a layout";
			return fail(ref.table->source(), ref.path,
				    what + " on card " + quote(later.kms.card) + ", which " +
					    sinkRefs_[i].path + "'s gl-kms layout = " + layout +
					    " composes into one buffer: give every sink on that "
					    "card type = \"gl-kms\" and layout = " +
					    layout +
					    " (GL draws them all), or make them all kms sinks");
		}
	}
	return true;
}

void SchemaReader::numberLayoutCells(PipelineConfig &config)
{
	/* A group: the kms sinks of one card with one layout, or its gl-kms
	 * sinks with one layout (checkCompositions allows no mix). */
	std::map<std::pair<std::string, KmsSinkConfig::Placement>, std::vector<KmsSinkConfig *>>
		groups;
	for (SinkConfig &sink : config.sinks) {
		KmsSinkConfig::Placement placement = sink.kms.placement;
		if (scansOut(sink) && (placement == KmsSinkConfig::Placement::Mosaic ||
				       placement == KmsSinkConfig::Placement::Pip))
			groups[{sink.kms.card, placement}].push_back(&sink.kms);
	}
	for (auto &[group, members] : groups) {
		for (size_t i = 0; i < members.size(); ++i) {
			members[i]->cell = static_cast<uint32_t>(i);
			members[i]->cells = static_cast<uint32_t>(members.size());
		}
	}
}

} /* namespace primecam::config */

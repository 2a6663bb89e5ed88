#include "cluster/Membership.h"

#include <algorithm>
#include <cmath>

namespace jiffy::cluster {

MembershipParams MembershipParams::fromConfig(std::uint32_t pingCycleSeconds, std::uint64_t failureThreshold)
{
    MembershipParams p;
    p.pingCycle = TimeMs{pingCycleSeconds == 0 ? 1 : pingCycleSeconds} * 1000;
    p.probeTimeout = p.pingCycle / 2;
    p.suspicionMult = static_cast<int>(std::clamp<std::uint64_t>(failureThreshold == 0 ? 5 : failureThreshold, 1, 100));
    return p;
}

std::string toString(EventKind kind)
{
    switch (kind) {
    case EventKind::Joined:
        return "joined";
    case EventKind::Suspected:
        return "suspected";
    case EventKind::Alive:
        return "alive";
    case EventKind::Failed:
        return "failed";
    case EventKind::Departing:
        return "departing";
    case EventKind::Departed:
        return "departed";
    case EventKind::Superseded:
        return "superseded";
    case EventKind::SelfRefuted:
        return "self-refuted";
    case EventKind::SelfRecovered:
        return "self-recovered";
    }
    return "unknown";
}

void Output::append(Output&& other)
{
    for (auto& m : other.messages) messages.push_back(std::move(m));
    for (auto& e : other.events) events.push_back(std::move(e));
}

Membership::Membership(Pid self, std::string address, Incarnation incarnation, MembershipParams params, TimeMs now)
    : params_(params), self_(self), awareness_(params.awarenessMax), rng_(params.seed ^ (self * 0x9e3779b97f4a7c15ULL)),
      nextProbeAt_(now)
{
    byAddress_[address].push_back(self);
    members_.emplace(self, Member{self, std::move(address), Status::Alive, incarnation, now});
    live_ = 1;
}

// ---- queries ---------------------------------------------------------------------------------------------------

const Member* Membership::find(Pid pid) const
{
    auto it = members_.find(pid);
    return it == members_.end() ? nullptr : &it->second;
}

std::vector<Member> Membership::members() const
{
    std::vector<Member> out;
    out.reserve(members_.size());
    for (const auto& [pid, m] : members_) out.push_back(m);
    std::sort(out.begin(), out.end(), [](const Member& a, const Member& b) { return a.pid < b.pid; });
    return out;
}

std::vector<Update> Membership::snapshot() const
{
    std::vector<Update> out;
    out.reserve(members_.size());
    for (const auto& [pid, m] : members_) out.push_back(factOf(m));
    return out;
}

std::size_t Membership::aliveAbove(Pid pid) const
{
    std::size_t n = 0;
    for (const auto& [p, m] : members_)
        if (p > pid && m.status == Status::Alive) ++n;
    return n;
}

Incarnation Membership::incarnationAt(const std::string& address) const
{
    Incarnation best = 0;
    auto at = byAddress_.find(address);
    if (at == byAddress_.end()) return 0;
    for (Pid pid : at->second) best = std::max(best, members_.at(pid).incarnation);
    return best;
}

Update Membership::factOf(const Member& m) const
{
    return Update{m.pid, m.address, m.status, m.incarnation, 0};
}

int Membership::retransmitLimit() const
{
    return params_.retransmitMult * static_cast<int>(std::ceil(std::log10(static_cast<double>(live_) + 1.0)));
}

TimeMs Membership::suspicionMin() const
{
    double scale = std::max(1.0, std::log10(static_cast<double>(std::max<std::size_t>(live_, 1))));
    return static_cast<TimeMs>(params_.suspicionMult * scale * static_cast<double>(params_.pingCycle));
}

// ---- sending ---------------------------------------------------------------------------------------------------

void Membership::send(Output& out, const std::string& address, const Payload& p) const
{
    const Member& me = members_.at(self_);
    Envelope env;
    env.type = static_cast<std::uint8_t>(typeOf(p));
    env.sender = self_;
    env.incarnation = me.incarnation;
    out.messages.push_back(Outgoing{address, env, encode(p)});
}

std::optional<Update> Membership::beliefAbout(Pid pid) const
{
    // Telling a peer we think it SUSPECT or FAILED lets it refute at once.
    const Member* m = find(pid);
    if (!m || m->status == Status::Alive) return std::nullopt;
    return factOf(*m);
}

std::vector<Update> Membership::piggyback(std::optional<Update> first)
{
    std::size_t room = params_.maxPiggyback - (first ? 1 : 0);
    std::vector<Update> out = broadcasts_.take(room, retransmitLimit());
    if (first) {
        out.erase(std::remove_if(out.begin(), out.end(), [&](const Update& u) { return u.pid == first->pid; }),
                  out.end());
        out.insert(out.begin(), *first);
    }
    return out;
}

// ---- merging facts ---------------------------------------------------------------------------------------------

Output Membership::apply(const Update& u, TimeMs now)
{
    Output out;
    applyInto(u, now, out);
    return out;
}

Output Membership::learn(const std::vector<Update>& members, TimeMs now)
{
    Output out;
    quiet_ = true;
    for (const auto& u : members) applyInto(u, now, out);
    quiet_ = false;
    return out;
}

void Membership::gossip(const Update& u)
{
    if (!quiet_ || u.pid == self_) broadcasts_.push(u);
}

void Membership::setStatus(Member& m, Status status, TimeMs now)
{
    bool wasLive = m.status == Status::Alive || m.status == Status::Suspect;
    bool isLive = status == Status::Alive || status == Status::Suspect;
    if (wasLive && !isLive) --live_;
    if (!wasLive && isLive) ++live_;
    if (m.status == Status::Suspect && status != Status::Suspect) suspicions_.erase(m.pid);
    if (m.status == Status::Departing) departing_.erase(m.pid);
    if (status == Status::Failed || status == Status::Departed) {
        tombstones_[m.pid] = now;
    } else {
        tombstones_.erase(m.pid);
    }
    if (status == Status::Departing) departing_[m.pid] = now;
    m.status = status;
    m.since = now;
}

void Membership::applyAboutSelf(const Update& u, Output& out)
{
    Member& me = members_.at(self_);
    if (departed_ || (u.status != Status::Suspect && u.status != Status::Failed)) return;
    bool refute = u.incarnation >= me.incarnation;
    if (refute) {
        me.incarnation = u.incarnation + 1;
        ++counters_.refutations;
        awareness_.apply(1); // being suspected is a hint that we are the slow one
        gossip(factOf(me));
    }
    // Even a FAILED about an incarnation already refuted means others stopped talking to us for a
    // while (a paused process refutes the suspicion it finds in its backlog before the failure).
    if (u.status == Status::Failed && (!failedReported_ || u.incarnation > *failedReported_)) {
        failedReported_ = u.incarnation;
        out.events.push_back(Event{EventKind::SelfRecovered, self_, me.address, me.incarnation});
    } else if (refute) {
        out.events.push_back(Event{EventKind::SelfRefuted, self_, me.address, me.incarnation});
    }
}

void Membership::addMember(const Update& u, TimeMs now, Output& out)
{
    if (u.status != Status::Alive && u.status != Status::Suspect) return; // no news about a stranger's death
    if (u.address.empty()) return;
    // A newer process already owns this address: the update is about an older one.
    if (auto at = byAddress_.find(u.address); at != byAddress_.end()) {
        for (Pid pid : at->second) {
            const Member& m = members_.at(pid);
            if (m.status != Status::Departed &&
                (m.incarnation > u.incarnation || (m.incarnation == u.incarnation && m.pid > u.pid)))
                return;
        }
    }
    Member m{u.pid, u.address, Status::Alive, u.incarnation, now};
    auto& stored = members_.emplace(u.pid, m).first->second;
    byAddress_[u.address].push_back(u.pid);
    ++live_;
    // A new member is probed within this round, at a random place.
    std::uniform_int_distribution<std::size_t> pos(probeIndex_, probeOrder_.size());
    probeOrder_.insert(probeOrder_.begin() + static_cast<std::ptrdiff_t>(pos(rng_)), u.pid);
    out.events.push_back(Event{EventKind::Joined, u.pid, u.address, u.incarnation});
    gossip(factOf(stored));
    supersedeOthersAt(stored, now, out);
    if (u.status == Status::Suspect) suspect(stored, u.incarnation, u.from, now, out);
}

void Membership::supersedeOthersAt(const Member& newer, TimeMs now, Output& out)
{
    auto at = byAddress_.find(newer.address);
    if (at == byAddress_.end()) return;
    for (Pid pid : at->second) {
        Member& m = members_.at(pid);
        if (pid == newer.pid || pid == self_ || m.status == Status::Departed) continue;
        if (m.incarnation < newer.incarnation || (m.incarnation == newer.incarnation && m.pid < newer.pid)) {
            setStatus(m, Status::Departed, now);
            out.events.push_back(Event{EventKind::Superseded, m.pid, m.address, m.incarnation});
        }
    }
}

void Membership::suspect(Member& m, Incarnation inc, Pid accuser, TimeMs now, Output& out)
{
    auto it = suspicions_.find(m.pid);
    if (m.status == Status::Suspect && it != suspicions_.end() && it->second.incarnation() == inc) {
        if (it->second.confirm(accuser)) gossip(Update{m.pid, m.address, Status::Suspect, inc, accuser});
        return;
    }
    m.incarnation = inc;
    setStatus(m, Status::Suspect, now);
    std::size_t n = live_;
    int expected = static_cast<int>(std::min<std::size_t>(params_.indirectProbes, n > 2 ? n - 2 : 0));
    TimeMs min = suspicionMin();
    suspicions_.erase(m.pid);
    suspicions_.emplace(m.pid, Suspicion(accuser, inc, now, min, min * params_.suspicionMaxMult, expected));
    if (accuser == self_) ++counters_.suspicions;
    gossip(Update{m.pid, m.address, Status::Suspect, inc, accuser});
    out.events.push_back(Event{EventKind::Suspected, m.pid, m.address, inc});
}

void Membership::fail(Member& m, TimeMs now, Output& out)
{
    setStatus(m, Status::Failed, now);
    ++counters_.failures;
    gossip(factOf(m));
    out.events.push_back(Event{EventKind::Failed, m.pid, m.address, m.incarnation});
}

void Membership::applyInto(const Update& u, TimeMs now, Output& out)
{
    if (u.pid == 0) return;
    if (u.pid == self_) return applyAboutSelf(u, out);
    auto it = members_.find(u.pid);
    if (it == members_.end()) return addMember(u, now, out);
    Member& w = it->second;
    if (w.status == Status::Departed) return; // final
    switch (u.status) {
    case Status::Alive:
        if (u.incarnation <= w.incarnation || w.status == Status::Departing) return;
        w.incarnation = u.incarnation;
        if (!u.address.empty() && u.address != w.address) {
            unindexAddress(w.pid, w.address);
            w.address = u.address;
            byAddress_[w.address].push_back(w.pid);
        }
        if (w.status != Status::Alive) {
            setStatus(w, Status::Alive, now);
            out.events.push_back(Event{EventKind::Alive, w.pid, w.address, w.incarnation});
        }
        gossip(factOf(w));
        supersedeOthersAt(w, now, out);
        return;
    case Status::Suspect:
        if (u.incarnation < w.incarnation || w.status == Status::Failed || w.status == Status::Departing) return;
        suspect(w, u.incarnation, u.from, now, out);
        return;
    case Status::Failed:
        if (u.incarnation < w.incarnation || w.status == Status::Failed || w.status == Status::Departing) return;
        w.incarnation = u.incarnation;
        fail(w, now, out);
        return;
    case Status::Departing:
        if (u.incarnation < w.incarnation || w.status == Status::Departing) return;
        w.incarnation = u.incarnation;
        setStatus(w, Status::Departing, now);
        gossip(factOf(w));
        out.events.push_back(Event{EventKind::Departing, w.pid, w.address, w.incarnation});
        return;
    case Status::Departed:
        w.incarnation = std::max(w.incarnation, u.incarnation);
        setStatus(w, Status::Departed, now);
        gossip(factOf(w));
        out.events.push_back(Event{EventKind::Departed, w.pid, w.address, w.incarnation});
        return;
    }
}

// ---- receiving -------------------------------------------------------------------------------------------------

Output Membership::receive(const std::string& from, const Envelope& env, std::string_view payload, TimeMs now,
                           std::string* error)
{
    Output out;
    Decoded d = decode(env.type, payload);
    if (auto* e = std::get_if<DecodeError>(&d)) {
        if (error) *error = e->message;
        return out;
    }
    // Every frame says its sender is alive at its incarnation (ignored unless that is news).
    if (env.sender != 0 && env.sender != self_)
        applyInto(Update{env.sender, from, Status::Alive, env.incarnation, 0}, now, out);
    Payload& p = std::get<Payload>(d);
    if (auto* ping = std::get_if<Ping>(&p)) {
        handle(from, env, *ping, now, out);
    } else if (auto* ack = std::get_if<Ack>(&p)) {
        handle(from, env, *ack, now, out);
    } else if (auto* req = std::get_if<PingReq>(&p)) {
        handle(from, env, *req, now, out);
    } else if (auto* iack = std::get_if<IndirectAck>(&p)) {
        handle(*iack, out);
    } else if (auto* nack = std::get_if<IndirectNack>(&p)) {
        handle(*nack);
    } else if (auto* dep = std::get_if<Departing>(&p)) {
        handle(from, *dep, now, out);
    } else if (auto* sync = std::get_if<Sync>(&p)) {
        out.append(learn(sync->members, now));
        if (!sync->reply && !departed_) send(out, from, Sync{true, syncPart()});
    } else if (error) {
        *error = toString(typeOf(p)) + " is not a membership message";
    }
    return out;
}

void Membership::handle(const std::string& from, const Envelope& env, const Ping& m, TimeMs now, Output& out)
{
    for (const auto& u : m.updates) applyInto(u, now, out);
    if (m.target != self_) return; // meant for an earlier process on this address: its silence is the answer
    send(out, from, Ack{m.seq, piggyback(beliefAbout(env.sender))});
}

void Membership::handle(const std::string&, const Envelope&, const Ack& m, TimeMs now, Output& out)
{
    for (const auto& u : m.updates) applyInto(u, now, out);
    if (probe_ && probe_->seq == m.seq && !probe_->acked) {
        probe_->acked = true;
        ++counters_.acks;
        awareness_.apply(-1);
        return;
    }
    auto relay = relays_.find(m.seq);
    if (relay != relays_.end()) {
        send(out, relay->second.requester, IndirectAck{relay->second.requesterSeq});
        relays_.erase(relay);
    }
}

void Membership::handle(const std::string& from, const Envelope&, const PingReq& m, TimeMs now, Output& out)
{
    for (const auto& u : m.updates) applyInto(u, now, out);
    if (departed_ || m.target == self_) return;
    std::uint64_t seq = ++seq_;
    // The nack must reach the requester before its period ends (it sent this request probeTimeout
    // into a period at least twice as long): 80 % of the timeout, as memberlist does.
    relays_[seq] = Relay{from, m.seq, now + params_.probeTimeout * 4 / 5};
    send(out, m.targetAddress, Ping{seq, m.target, piggyback(beliefAbout(m.target))});
}

void Membership::handle(const IndirectAck& m, Output&)
{
    if (probe_ && probe_->seq == m.seq && !probe_->acked) {
        probe_->acked = true;
        ++counters_.acks;
        awareness_.apply(-1);
    }
}

void Membership::handle(const IndirectNack& m)
{
    if (probe_ && probe_->seq == m.seq) ++probe_->nacks;
}

void Membership::handle(const std::string& from, const Departing& m, TimeMs now, Output& out)
{
    applyInto(Update{m.pid, from, Status::Departing, m.incarnation, 0}, now, out);
}

Output Membership::depart(TimeMs now)
{
    Output out;
    if (departed_) return out;
    Member& me = members_.at(self_);
    ++me.incarnation;
    setStatus(me, Status::Departing, now);
    departed_ = true;
    probe_.reset();
    for (const auto& [pid, m] : members_)
        if (pid != self_ && (m.status == Status::Alive || m.status == Status::Suspect))
            send(out, m.address, Departing{self_, me.incarnation});
    return out;
}

void Membership::raiseIncarnation(Incarnation atLeast)
{
    Member& me = members_.at(self_);
    me.incarnation = std::max(me.incarnation, atLeast);
    gossip(factOf(me));
}

// ---- the protocol period ---------------------------------------------------------------------------------------

Output Membership::tick(TimeMs now)
{
    Output out;
    for (auto it = relays_.begin(); it != relays_.end();) {
        if (now >= it->second.deadline) {
            send(out, it->second.requester, IndirectNack{it->second.requesterSeq});
            it = relays_.erase(it);
        } else {
            ++it;
        }
    }
    if (departed_) return out;

    // Stalled (paused, starved) for more than two periods: what did not arrive meanwhile is no
    // evidence against anyone. Abandon the probe in flight and push suspicion timers back.
    if (lastTick_ && now - *lastTick_ > 2 * params_.pingCycle) {
        TimeMs gap = now - *lastTick_;
        probe_.reset();
        for (auto& [pid, s] : suspicions_) s.delay(gap);
        awareness_.apply(1);
        nextProbeAt_ = now;
    }
    lastTick_ = now;

    if (probe_) {
        if (!probe_->acked && !probe_->indirectSent && now >= probe_->sentAt + awareness_.scale(params_.probeTimeout)) {
            probe_->indirectSent = true;
            const Member* target = find(probe_->target);
            if (target) {
                for (Pid helper : randomLive(static_cast<std::size_t>(params_.indirectProbes), probe_->target)) {
                    send(out, members_.at(helper).address,
                         PingReq{probe_->seq, target->pid, target->address, piggyback(std::nullopt)});
                    ++probe_->nacksExpected;
                    ++counters_.indirectProbes;
                }
            }
        }
        if (now >= probe_->sentAt + awareness_.scale(params_.pingCycle)) finishProbe(now, out);
    }

    std::vector<Pid> expired;
    for (const auto& [pid, s] : suspicions_)
        if (now >= s.deadline()) expired.push_back(pid);
    for (Pid pid : expired) fail(members_.at(pid), now, out);

    for (auto it = departing_.begin(); it != departing_.end();) {
        Pid pid = (it++)->first;
        Member& m = members_.at(pid);
        if (now >= m.since + params_.pingCycle) {
            setStatus(m, Status::Departed, now);
            out.events.push_back(Event{EventKind::Departed, m.pid, m.address, m.incarnation});
        }
    }
    for (auto it = tombstones_.begin(); it != tombstones_.end();) {
        if (now >= it->second + params_.tombstonePeriods * params_.pingCycle) {
            unindexAddress(it->first, members_.at(it->first).address);
            members_.erase(it->first);
            it = tombstones_.erase(it);
        } else {
            ++it;
        }
    }

    if (!probe_ && now >= nextProbeAt_) {
        TimeMs period = awareness_.scale(params_.pingCycle);
        nextProbeAt_ = now + period;
        ++periods_;
        startProbe(now, out);
        if (params_.deadProbeEvery > 0 && periods_ % static_cast<std::uint64_t>(params_.deadProbeEvery) == 0)
            probeDeadMember(now, out);
        if (params_.syncEvery > 0 && periods_ % static_cast<std::uint64_t>(params_.syncEvery) == 0) sendSync(out);
    }
    return out;
}

void Membership::finishProbe(TimeMs now, Output& out)
{
    Probe p = *probe_;
    probe_.reset();
    if (p.acked) return;
    // Lifeguard: helpers that did not even nack point at our own link or CPU.
    if (p.nacksExpected > 0) {
        awareness_.apply(p.nacksExpected - p.nacks);
    } else {
        awareness_.apply(1);
    }
    auto it = members_.find(p.target);
    if (it == members_.end()) return;
    Member& m = it->second;
    if (m.status == Status::Alive || m.status == Status::Suspect) suspect(m, m.incarnation, self_, now, out);
}

std::optional<Pid> Membership::nextProbeTarget()
{
    for (int pass = 0; pass < 2; ++pass) {
        while (probeIndex_ < probeOrder_.size()) {
            Pid pid = probeOrder_[probeIndex_++];
            const Member* m = find(pid);
            if (m && pid != self_ && (m->status == Status::Alive || m->status == Status::Suspect)) return pid;
        }
        // A round is over: a fresh shuffled order of the live members.
        probeOrder_.clear();
        probeIndex_ = 0;
        for (const auto& [pid, m] : members_)
            if (pid != self_ && (m.status == Status::Alive || m.status == Status::Suspect)) probeOrder_.push_back(pid);
        std::sort(probeOrder_.begin(), probeOrder_.end()); // unordered_map order is not reproducible
        std::shuffle(probeOrder_.begin(), probeOrder_.end(), rng_);
    }
    return std::nullopt;
}

void Membership::startProbe(TimeMs now, Output& out)
{
    auto target = nextProbeTarget();
    if (!target) return;
    const Member& m = members_.at(*target);
    Probe p;
    p.target = m.pid;
    p.seq = ++seq_;
    p.sentAt = now;
    probe_ = p;
    ++counters_.probes;
    send(out, m.address, Ping{p.seq, m.pid, piggyback(beliefAbout(m.pid))});
}

void Membership::probeDeadMember(TimeMs, Output& out)
{
    std::vector<Pid> failed;
    for (const auto& [pid, since] : tombstones_)
        if (members_.at(pid).status == Status::Failed) failed.push_back(pid);
    if (failed.empty()) return;
    std::uniform_int_distribution<std::size_t> pick(0, failed.size() - 1);
    const Member& m = members_.at(failed[pick(rng_)]);
    // Untracked: an answer (with the member's refutation) revives it, silence changes nothing.
    send(out, m.address, Ping{++seq_, m.pid, piggyback(factOf(m))});
}

void Membership::sendSync(Output& out)
{
    // Anti-entropy (memberlist's push-pull, with a random part of the list): gossip is probabilistic and bounded, so
    // now and then a member hands one peer a random part of its list; what the peer lacks, it learns.
    auto peer = randomLive(1, 0);
    if (peer.empty()) return;
    send(out, members_.at(peer[0]).address, Sync{false, syncPart()});
}

std::vector<Update> Membership::syncPart()
{
    std::vector<Pid> picked = randomLive(kMaxSyncMembers - 1, 0);
    std::vector<Update> part{factOf(members_.at(self_))};
    for (Pid pid : picked) part.push_back(factOf(members_.at(pid)));
    return part;
}

void Membership::unindexAddress(Pid pid, const std::string& address)
{
    auto at = byAddress_.find(address);
    if (at == byAddress_.end()) return;
    at->second.erase(std::remove(at->second.begin(), at->second.end(), pid), at->second.end());
    if (at->second.empty()) byAddress_.erase(at);
}

std::vector<Pid> Membership::randomLive(std::size_t count, Pid exclude)
{
    // Sampled from the probe order (every live member, shuffled) when it is much larger than
    // `count`: O(count), not O(n), per call. Small groups take the exact path below.
    if (probeOrder_.size() > 4 * count) {
        std::vector<Pid> out;
        std::uniform_int_distribution<std::size_t> pick(0, probeOrder_.size() - 1);
        for (std::size_t tries = 0; tries < 4 * count && out.size() < count; ++tries) {
            Pid pid = probeOrder_[pick(rng_)];
            const Member* m = find(pid);
            if (pid == self_ || pid == exclude || !m || m->status != Status::Alive) continue;
            if (std::find(out.begin(), out.end(), pid) == out.end()) out.push_back(pid);
        }
        if (out.size() == count) return out;
    }
    std::vector<Pid> candidates;
    for (const auto& [pid, m] : members_)
        if (pid != self_ && pid != exclude && m.status == Status::Alive) candidates.push_back(pid);
    std::sort(candidates.begin(), candidates.end());
    std::shuffle(candidates.begin(), candidates.end(), rng_);
    if (candidates.size() > count) candidates.resize(count);
    return candidates;
}

} // namespace jiffy::cluster

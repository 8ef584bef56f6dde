import Kabar

/// A host's relation to a LAN, for partitions.
public struct LANMembership: Hashable, Sendable {
    /// The host.
    public var host: Int
    /// The LAN.
    public var lan: LANID

    /// `host`'s membership of `lan`.
    public init(host: Int, lan: LANID) {
        self.host = host
        self.lan = lan
    }
}

/// A set of links and LAN memberships to cut together, and later restore together.
///
/// Partitions nest: a link cut by two active partitions comes back when both have healed.
public struct Partition: Hashable, Sendable {
    /// Links to cut.
    public var links: [LinkID]
    /// Memberships to cut: the host stays, but hears nothing on that LAN and is not heard.
    public var memberships: [LANMembership]

    /// A partition cutting `links` and `memberships`.
    public init(links: [LinkID] = [], memberships: [LANMembership] = []) {
        self.links = links
        self.memberships = memberships
    }
}

/// One stop on a mule's timetable: it is on `lan` from `arrival` until `departure`.
public struct MuleVisit: Hashable, Sendable {
    /// The hall's LAN.
    public var lan: LANID
    /// When the mule joins the LAN.
    public var arrival: Instant
    /// When it leaves.
    public var departure: Instant

    /// A visit to `lan` from `arrival` to `departure`.
    public init(lan: LANID, arrival: Instant, departure: Instant) {
        precondition(arrival <= departure, "a mule leaves after it arrives")
        self.lan = lan
        self.arrival = arrival
        self.departure = departure
    }
}

/// Something the scenario makes happen at a scheduled virtual time.
public enum ScenarioChange<Payload> {
    /// The operator of `host` posts `payload` (ignored and counted if the host has no power).
    case post(host: Int, Payload)
    /// `host` loses power: its endpoint is gone, only its `durableState` survives, and it
    /// receives nothing until `restart`.
    case powerCut(host: Int)
    /// `host` boots again: the factory makes a new endpoint from the durable state. On a
    /// host with power, this is a power cut and a boot at the same instant.
    case restart(host: Int)
    /// `host` joins `lan` (a mule arrives).
    case join(host: Int, LANID)
    /// `host` leaves `lan` (a mule departs).
    case leave(host: Int, LANID)
    /// Cuts everything in the partition.
    case partition(Partition)
    /// Restores everything the same partition cut.
    case heal(Partition)
    /// Sets how far `host`'s wall clock is from true time (an operator sets it, or a Pi
    /// without a real-time clock boots years off).
    case setClockSkew(host: Int, TimeSpan)
}

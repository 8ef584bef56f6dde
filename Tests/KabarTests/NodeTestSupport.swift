import Kabar
import KabarCrypto

/// A tiny deterministic driver for a handful of nodes: every datagram takes `latency`;
/// `drop` decides losses. Enough to pin node behaviour without the full simulator.
struct TestMesh {
    struct InFlight {
        let arrival: Instant
        let sequence: Int
        let from: Int
        let to: Int
        let datagram: [UInt8]
    }

    var nodes: [Node<MemoryStore>]
    var now = Instant.zero
    var latency = TimeSpan.milliseconds(2)
    var inFlight: [InFlight] = []
    var sequence = 0
    var events: [(node: Int, event: NodeEvent)] = []
    /// Decides whether the datagram from `from` to `to` is lost; `broadcast` tells how it was sent.
    var drop: (_ from: Int, _ to: Int, _ broadcast: Bool, _ datagram: [UInt8]) -> Bool = { _, _, _, _ in false }
    var sentBytes: [Int]

    init(count: Int, configure: (inout NodeConfiguration) -> Void = { _ in }) {
        var configuration = NodeConfiguration()
        configure(&configuration)
        nodes = (0..<count).map { index in
            Node(
                configuration: configuration, key: TestKeys.author(UInt8(100 + index)), store: MemoryStore(),
                seed: UInt64(index), now: NodeTime(monotonic: .zero, wall: testEpoch))
        }
        sentBytes = Array(repeating: 0, count: count)
    }

    func time(_ instant: Instant) -> NodeTime {
        NodeTime(monotonic: instant, wall: testEpoch + TimeSpan(microseconds: instant.microseconds))
    }

    mutating func post(_ bulletin: Bulletin, at node: Int) throws {
        let actions = try nodes[node].post(bulletin, at: time(now))
        carryOut(actions, from: node)
    }

    mutating func carryOut(_ actions: [NodeAction], from node: Int) {
        for action in actions {
            switch action {
            case .event(let event):
                events.append((node, event))
            case .send(let datagram, let destination):
                sentBytes[node] += datagram.count
                switch destination {
                case .broadcast:
                    for other in nodes.indices where other != node { enqueue(datagram, from: node, to: other, broadcast: true) }
                case .peer(.simulated(let other)):
                    enqueue(datagram, from: node, to: other, broadcast: false)
                case .peer:
                    break
                }
            }
        }
    }

    private mutating func enqueue(_ datagram: [UInt8], from: Int, to: Int, broadcast: Bool) {
        guard nodes.indices.contains(to), !drop(from, to, broadcast, datagram) else { return }
        sequence += 1
        inFlight.append(InFlight(arrival: now + latency, sequence: sequence, from: from, to: to, datagram: datagram))
    }

    /// Runs until `end`, delivering datagrams and ticking nodes at their deadlines.
    mutating func run(for span: TimeSpan) {
        let end = now + span
        while true {
            let nextDelivery = inFlight.min { ($0.arrival, $0.sequence) < ($1.arrival, $1.sequence) }
            let nextTick = nodes.indices.min { nodes[$0].nextDeadline < nodes[$1].nextDeadline }!
            let tickTime = nodes[nextTick].nextDeadline
            if let delivery = nextDelivery, delivery.arrival <= tickTime {
                guard delivery.arrival <= end else { break }
                now = max(now, delivery.arrival)
                inFlight.removeAll { $0.sequence == delivery.sequence }
                let actions = nodes[delivery.to].receive(delivery.datagram, from: .simulated(delivery.from), at: time(now))
                carryOut(actions, from: delivery.to)
            } else {
                guard tickTime <= end else { break }
                now = max(now, tickTime)
                let actions = nodes[nextTick].tick(at: time(now))
                carryOut(actions, from: nextTick)
            }
        }
        now = end
    }

    func holds(_ id: BulletinID) -> [Bool] { nodes.map { $0.store.contains(id) } }
}

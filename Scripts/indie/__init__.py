"""An independent implementation of Kabar's wire protocol, written for issue 19 from the
documents and conformance vectors alone (nothing under Sources/, Tests/ or Simulation/ was read).
Python standard library only.

| module | what | written from |
|---|---|---|
| ed25519 | Ed25519 sign and strict cofactored verify | RFC 8032 sections 5.1 and 6; Documentation/Crypto.md "Verification rule" |
| bulletin | bulletin encode, sign, decode in the documented order of checks, dates | Documentation/Bulletin.md |
| bundle | bundle write and read (versions 1 and 2) | Documentation/Bundle.md |
| wire | datagram header and every message type 1-15 | Documentation/Protocol.md, Transfer.md |
| recon | fingerprints, SipHash keys, walks, coded symbols, payloads, initiator and responder | Documentation/Reconciliation.md "Specification" |
| peer | a UDP peer: handshake, gossip, fragments, bulk transfer streams | Protocol.md, Transfer.md |
| sync | reconciliation sessions over a peer, both roles | Reconciliation.md "Sessions in the node" |
| vectors | checks against Documentation/Vectors/*.json | Documentation/Vectors/README.md |

Scripts/indie-interop-test.py drives it against a running `kabar run`. Where the documents left
something out, the gap was written down (for issue 19) rather than guessed.
"""

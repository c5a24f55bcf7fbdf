/// Which pipeline turns a policy's bytes into a `Document`: the reference, or the reference's
/// output reached faster.
///
/// The reference is the pipeline that is obviously right: each revision parsed on its own, its
/// whole body in one cmark-gfm parse with cmark-gfm's own autolink rules, one cmark parse at a time,
/// nothing shared between revisions. `fastPaths` takes every speed trick there is, all of them
/// here behind this one switch (docs/design.md, "Fast paths"):
///
/// - long bodies cut into pieces (`SourcePieces`) parsed and converted on every core;
/// - cmark parses that overlap, where policyc's special-character setter is the one cmark calls
///   (symbol interposition, `CommonMarkConverter.parsesMayOverlap`);
/// - www autolinks found in Swift (`WWWAutolinks`) rather than by cmark stopping at every `w`;
/// - two revisions parsed together, the new one taking the old one's blocks wherever a chunk's
///   bytes are the same (`RevisionPair`).
///
/// Each is kept only while a benchmark needs it and the differential tests
/// (Tests/PolicyDifferentialTests, `make fuzz`) find the fast output byte-identical to the
/// reference's. Library code takes the switch as a value from its caller; only the executable
/// reads the environment (`POLICYC_FAST_PATHS=0` there runs the reference).
public struct ParseOptions: Sendable, Hashable {
    public var fastPaths: Bool
    /// Fast paths: a policy is cut into pieces of at least this many bytes (so only bodies of twice
    /// this size are cut at all). Tests make it small, so that short texts are cut everywhere allowed.
    var pieceBytes = 256 << 10
    /// Fast paths, two revisions: the old one's pieces share the cores with the new one's changed
    /// runs, which are small. Smaller pieces keep both cores busy to the end (1 MB diff: conversion
    /// done at 14.2 ms against 17.7 ms with `pieceBytes`, medians of 30 alternating runs; 32 KB was
    /// no faster than 64 KB).
    var revisionPieceBytes = 64 << 10

    public init(fastPaths: Bool) {
        self.fastPaths = fastPaths
    }

    /// Obviously right: the output every fast path is held to.
    public static let reference = ParseOptions(fastPaths: false)
    /// Every fast path.
    public static let fast = ParseOptions(fastPaths: true)

    /// The fast paths with pieces of at least `bytes`, one and two revisions alike (tests).
    static func fast(pieceBytes bytes: Int) -> ParseOptions {
        var options = ParseOptions.fast
        options.pieceBytes = bytes
        options.revisionPieceBytes = bytes
        return options
    }
}

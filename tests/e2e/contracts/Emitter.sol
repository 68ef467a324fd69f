// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.24;

/// Events of every topic count (0 to 4), the three kinds of revert (reason string, custom error,
/// panic), a view, a storage write and a loop of chosen length: what the end-to-end suites need to
/// check logs, filters, revert errors and gas estimates against another node.
contract Emitter {
    uint256 public stored;
    /// Written by burn() so that its loop is not a pure computation.
    uint256 public burned;
    /// Counted by the reverting functions before they revert, so that they are state-changing
    /// calls (wallets estimate gas for them) whose write never lands.
    uint256 public attempts;

    event Noted(uint256 value, string note);
    event Tagged(address indexed sender, uint256 value);
    event Paired(address indexed sender, uint256 indexed id, bytes data);
    event Tripled(address indexed sender, uint256 indexed id, bytes32 indexed tag, uint256 value);
    event Bare(uint256 value) anonymous;
    event Packed(address indexed sender, uint256 indexed id, bytes32 indexed tag, uint256 indexed value) anonymous;

    error Refused(address caller, uint256 code, string why);

    /// One log of each shape, in this order: 1, 2, 3, 4 topics with the signature first (Noted,
    /// Tagged, Paired, Tripled), then the anonymous ones with 0 and 4 topics (Bare, Packed).
    function emitAll(uint256 id, bytes32 tag, bytes calldata data) external {
        emit Noted(id, "noted");
        emit Tagged(msg.sender, id);
        emit Paired(msg.sender, id, data);
        emit Tripled(msg.sender, id, tag, id * 2);
        emit Bare(id);
        emit Packed(msg.sender, id, tag, id + 1);
    }

    function store(uint256 value) external {
        stored = value;
    }

    function scaled(uint256 factor) external view returns (uint256) {
        return stored * factor;
    }

    /// `rounds` iterations of hashing, then one storage write.
    function burn(uint256 rounds) external returns (uint256 acc) {
        for (uint256 i = 0; i < rounds; ++i) {
            acc = uint256(keccak256(abi.encode(acc, i)));
        }
        burned = acc;
    }

    /// burn() through an external call to this contract, so that the caller's gas limit must
    /// cover 64/63 of what the inner call needs (EIP-150).
    function burnVia(uint256 rounds) external returns (uint256) {
        return this.burn(rounds);
    }

    function fails() external {
        attempts += 1;
        require(attempts == 0, "Emitter: always fails");
    }

    function failsCustom(uint256 code) external {
        attempts += 1;
        revert Refused(msg.sender, code, "custom");
    }

    /// Panic(0x12) when `divisor` is zero.
    function divide(uint256 divisor) external view returns (uint256) {
        return stored / divisor;
    }
}

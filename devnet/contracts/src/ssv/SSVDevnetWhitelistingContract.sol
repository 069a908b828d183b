// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ISSVWhitelistingContract} from "./ISSVNetworkCore.sol";

/// @title A whitelisting contract for private devnet operators (spec §11.3, ERC-165 id 0x830639ac).
/// @notice Its deployer decides which accounts are allowed, for any operator id.
contract SSVDevnetWhitelistingContract is ISSVWhitelistingContract {
    address public immutable admin;
    mapping(address => bool) public allowed;

    error SSVDevnetWhitelistNotAdmin(address caller);

    constructor() {
        admin = msg.sender;
    }

    function setAllowed(address account, bool isAllowed) external {
        if (msg.sender != admin) revert SSVDevnetWhitelistNotAdmin(msg.sender);
        allowed[account] = isAllowed;
    }

    function isWhitelisted(address account, uint256) external view returns (bool) {
        return allowed[account];
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(ISSVWhitelistingContract).interfaceId || interfaceId == 0x01ffc9a7;
    }
}

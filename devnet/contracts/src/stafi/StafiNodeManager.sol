// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {StafiBase} from "./StafiBase.sol";

/// @notice Trusted nodes (oracle voters) and super nodes (router accounts). The flags live in
/// Storage under `node.trusted ‖ address` and `node.super ‖ address` (specs/stafi-pool.md §1.3) so
/// other contracts' modifiers and direct readers see them; the enumerable lists live here.
contract StafiNodeManager is StafiBase {
    event NodeTrustedSet(address indexed node, bool trusted, uint256 time);
    event NodeSuperSet(address indexed node, bool trusted, uint256 time);

    address[] private trustedNodes;
    mapping(address => uint256) private trustedIndexPlusOne;
    address[] private superNodes;
    mapping(address => uint256) private superIndexPlusOne;

    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {}

    function version() external pure returns (uint8) {
        return 1;
    }

    function getTrustedNodeCount() external view returns (uint256) {
        return trustedNodes.length;
    }

    function getTrustedNodeAt(uint256 _index) external view returns (address) {
        return trustedNodes[_index];
    }

    function getNodeTrusted(address _nodeAddress) external view returns (bool) {
        return stafiStorage.getBool(keccak256(abi.encodePacked("node.trusted", _nodeAddress)));
    }

    function getSuperNodeExists(address _nodeAddress) external view returns (bool) {
        return stafiStorage.getBool(keccak256(abi.encodePacked("node.super", _nodeAddress)));
    }

    function getSuperNodeCount() external view returns (uint256) {
        return superNodes.length;
    }

    function getSuperNodeAt(uint256 _index) external view returns (address) {
        return superNodes[_index];
    }

    function setNodeTrusted(address _nodeAddress, bool _trusted) external onlySuperUser {
        stafiStorage.setBool(keccak256(abi.encodePacked("node.trusted", _nodeAddress)), _trusted);
        _setMembership(trustedNodes, trustedIndexPlusOne, _nodeAddress, _trusted);
        emit NodeTrustedSet(_nodeAddress, _trusted, block.timestamp);
    }

    function setNodeSuper(address _nodeAddress, bool _super) external onlySuperUser {
        stafiStorage.setBool(keccak256(abi.encodePacked("node.super", _nodeAddress)), _super);
        _setMembership(superNodes, superIndexPlusOne, _nodeAddress, _super);
        emit NodeSuperSet(_nodeAddress, _super, block.timestamp);
    }

    function _setMembership(
        address[] storage list,
        mapping(address => uint256) storage indexPlusOne,
        address node,
        bool member
    ) private {
        uint256 position = indexPlusOne[node];
        if (member && position == 0) {
            list.push(node);
            indexPlusOne[node] = list.length;
        } else if (!member && position != 0) {
            address last = list[list.length - 1];
            list[position - 1] = last;
            indexPlusOne[last] = position;
            list.pop();
            delete indexPlusOne[node];
        }
    }
}

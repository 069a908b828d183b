// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {StafiBase} from "./StafiBase.sol";
import {
    IStafiEthDeposit,
    IStafiNetworkSettingsView,
    IStafiNodeManagerView,
    IStafiUserDepositForNodes
} from "./StafiInterfaces.sol";

/// @notice The super node: the router's 1 ETH `deposit` and 31 ETH `stake` batches paid from the
/// user pool, the pubkey status machine 0–4, and the trusted nodes' withdrawal-credentials vote
/// (specs/stafi-pool.md §3, §8.1). Statuses, votes and tallies live in Storage under the §1.3 keys;
/// the per-node pubkey lists (lifetime, never shrinking) live here.
contract StafiSuperNode is StafiBase {
    uint256 public constant PUBKEY_STATUS_UNINITIAL = 0;
    uint256 public constant PUBKEY_STATUS_INITIAL = 1;
    uint256 public constant PUBKEY_STATUS_MATCH = 2;
    uint256 public constant PUBKEY_STATUS_STAKING = 3;
    uint256 public constant PUBKEY_STATUS_UNMATCH = 4;

    uint256 private constant DEPOSIT_AMOUNT = 1 ether;
    uint256 private constant STAKE_AMOUNT = 31 ether;

    event EtherDeposited(address indexed from, uint256 amount, uint256 time);
    event Deposited(address node, bytes pubkey, bytes validatorSignature);
    event Staked(address node, bytes pubkey);
    event SetPubkeyStatus(bytes pubkey, uint256 status);

    mapping(address => bytes[]) private nodePubkeys;
    mapping(address => mapping(bytes32 => bool)) private nodePubkeyListed;

    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {
        if (!getBoolS("settings.superNode.init")) {
            setBoolS("settings.superNode.deposit.enabled", true);
            setBoolS("settings.superNode.init", true);
        }
    }

    function version() external pure returns (uint8) {
        return 1;
    }

    function depositEth() external payable onlyLatestContract("stafiUserDeposit", msg.sender) {
        emit EtherDeposited(msg.sender, msg.value, block.timestamp);
    }

    function getSuperNodeDepositEnabled() public view returns (bool) {
        return getBoolS("settings.superNode.deposit.enabled");
    }

    function setSuperNodeDepositEnabled(bool _value) external onlySuperUser {
        setBoolS("settings.superNode.deposit.enabled", _value);
    }

    function getSuperNodePubkeyStatus(bytes calldata _validatorPubkey) public view returns (uint256) {
        return stafiStorage.getUint(_statusKey(_validatorPubkey));
    }

    function setSuperNodePubkeyStatus(bytes calldata _validatorPubkey, uint256 _status) external onlySuperUser {
        _setStatus(_validatorPubkey, _status);
    }

    function getSuperNodePubkeyCount(address _nodeAddress) public view returns (uint256) {
        return nodePubkeys[_nodeAddress].length;
    }

    function getSuperNodePubkeyAt(address _nodeAddress, uint256 _index) external view returns (bytes memory) {
        return nodePubkeys[_nodeAddress][_index];
    }

    function getPubkeyVoted(bytes calldata _validatorPubkey, address user) external view returns (bool) {
        return stafiStorage.getBool(_memberVoteKey(_validatorPubkey, user));
    }

    function deposit(
        bytes[] calldata _validatorPubkeys,
        bytes[] calldata _validatorSignatures,
        bytes32[] calldata _depositDataRoots
    ) external onlyLatestContract("stafiSuperNode", address(this)) onlySuperNode(msg.sender) {
        require(getSuperNodeDepositEnabled(), "super node deposits are currently disabled");
        uint256 n = _validatorPubkeys.length;
        require(n == _validatorSignatures.length && n == _depositDataRoots.length, "params len err");
        require(
            getSuperNodePubkeyCount(msg.sender) + n <= _settings().getSuperNodePubkeyLimit(),
            "pubkey amount over limit"
        );
        _pullFromPool(n * DEPOSIT_AMOUNT);
        for (uint256 i = 0; i < n; i++) {
            _depositOne(_validatorPubkeys[i], _validatorSignatures[i], _depositDataRoots[i]);
        }
    }

    function stake(
        bytes[] calldata _validatorPubkeys,
        bytes[] calldata _validatorSignatures,
        bytes32[] calldata _depositDataRoots
    ) external onlyLatestContract("stafiSuperNode", address(this)) onlySuperNode(msg.sender) {
        uint256 n = _validatorPubkeys.length;
        require(n == _validatorSignatures.length && n == _depositDataRoots.length, "params len err");
        _pullFromPool(n * STAKE_AMOUNT);
        for (uint256 i = 0; i < n; i++) {
            _stakeOne(_validatorPubkeys[i], _validatorSignatures[i], _depositDataRoots[i]);
        }
    }

    function _depositOne(bytes calldata _pubkey, bytes calldata _signature, bytes32 _root) private {
        require(
            stafiStorage.getUint(keccak256(abi.encodePacked("lightNode.pubkey.status", _pubkey))) == 0,
            "light Node pubkey exists"
        );
        require(getSuperNodePubkeyStatus(_pubkey) == PUBKEY_STATUS_UNINITIAL, "pubkey status unmatch");
        _setStatus(_pubkey, PUBKEY_STATUS_INITIAL);
        _addPubkey(msg.sender, _pubkey);
        _sendToDepositContract(_pubkey, _signature, _root, DEPOSIT_AMOUNT);
        emit Deposited(msg.sender, _pubkey, _signature);
    }

    function _stakeOne(bytes calldata _pubkey, bytes calldata _signature, bytes32 _root) private {
        require(getSuperNodePubkeyStatus(_pubkey) == PUBKEY_STATUS_MATCH, "pubkey status unmatch");
        _setStatus(_pubkey, PUBKEY_STATUS_STAKING);
        _sendToDepositContract(_pubkey, _signature, _root, STAKE_AMOUNT);
        emit Staked(msg.sender, _pubkey);
    }

    function _sendToDepositContract(
        bytes calldata _pubkey,
        bytes calldata _signature,
        bytes32 _root,
        uint256 _amount
    ) private {
        IStafiEthDeposit(getContractAddress("ethDeposit")).deposit{value: _amount}(
            _pubkey,
            _settings().getWithdrawalCredentials(),
            _signature,
            _root
        );
    }

    /// @notice Trusted nodes vote per pubkey; the first side whose tally reaches
    /// `tally × 1e18 ≥ trustedNodeCount × threshold` decides a pubkey still in status 1.
    function voteWithdrawCredentials(
        bytes[] calldata _pubkeys,
        bool[] calldata _matchs
    ) external onlyLatestContract("stafiSuperNode", address(this)) onlyTrustedNode(msg.sender) {
        require(_pubkeys.length == _matchs.length, "params len err");
        uint256 trustedCount = IStafiNodeManagerView(getContractAddress("stafiNodeManager")).getTrustedNodeCount();
        uint256 threshold = _settings().getNodeConsensusThreshold();
        for (uint256 i = 0; i < _pubkeys.length; i++) {
            bytes calldata pubkey = _pubkeys[i];
            bytes32 memberKey = _memberVoteKey(pubkey, msg.sender);
            require(!stafiStorage.getBool(memberKey), "Member has already voted to withdrawCredentials");
            stafiStorage.setBool(memberKey, true);
            bytes32 tallyKey = keccak256(abi.encodePacked("superNode.totalVotes", pubkey, _matchs[i]));
            uint256 tally = stafiStorage.getUint(tallyKey) + 1;
            stafiStorage.setUint(tallyKey, tally);
            if (
                getSuperNodePubkeyStatus(pubkey) == PUBKEY_STATUS_INITIAL &&
                CALC_BASE * tally >= trustedCount * threshold
            ) {
                _setStatus(pubkey, _matchs[i] ? PUBKEY_STATUS_MATCH : PUBKEY_STATUS_UNMATCH);
            }
        }
    }

    function _pullFromPool(uint256 _amount) private {
        IStafiUserDepositForNodes(getContractAddress("stafiUserDeposit")).withdrawExcessBalanceForSuperNode(_amount);
    }

    function _settings() private view returns (IStafiNetworkSettingsView) {
        return IStafiNetworkSettingsView(getContractAddress("stafiNetworkSettings"));
    }

    function _setStatus(bytes calldata _pubkey, uint256 _status) private {
        stafiStorage.setUint(_statusKey(_pubkey), _status);
        emit SetPubkeyStatus(_pubkey, _status);
    }

    function _addPubkey(address _node, bytes calldata _pubkey) private {
        bytes32 id = keccak256(_pubkey);
        require(!nodePubkeyListed[_node][id], "Item already exists in set");
        nodePubkeyListed[_node][id] = true;
        nodePubkeys[_node].push(_pubkey);
    }

    function _statusKey(bytes calldata _pubkey) private pure returns (bytes32) {
        return keccak256(abi.encodePacked("superNode.pubkey.status", _pubkey));
    }

    function _memberVoteKey(bytes calldata _pubkey, address _member) private pure returns (bytes32) {
        return keccak256(abi.encodePacked("superNode.memberVotes.", _pubkey, _member));
    }
}

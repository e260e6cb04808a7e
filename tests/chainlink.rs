//! End-to-end: an asset priced by a Chainlink-style feed through the
//! `lrt-chainlink-rate-source` adapter, deployed by the deploy tool from
//! `Config::devnet_with_chainlink` (mock token, mock exchange-rate feed and
//! mock sequencer uptime feed), then used only through the ABI.

use alloy_primitives::{Address, I256, U256};
use deploy::{
    abi::{IAssetRegistry, IChainlinkRateSource, IErc20, IMockAggregator, IMockLst, IVault},
    deploy_protocol, transact, view, ChainlinkAsset, Config, Deployment, TxError, ETHER,
};
use devnode::{Devnode, DevnodeConfig};
use e2e::{artifacts, read, send};

struct Feeds {
    node: Devnode,
    d: Deployment,
    admin: Address,
    alice: Address,
    asset: ChainlinkAsset,
}

impl Feeds {
    fn new() -> Self {
        let mut node = Devnode::new(DevnodeConfig::default());
        let config = Config::devnet_with_chainlink(node.dev_account());
        let d = deploy_protocol(&mut node, artifacts(), &config).expect("deployment");
        let alice = node.accounts()[1];
        let asset = d.chainlink_assets[0].clone();
        let mut feeds = Self {
            node,
            d,
            admin: config.deployer,
            alice,
            asset,
        };
        let (token, vault) = (feeds.asset.token, feeds.d.vault);
        let mint = IMockLst::mintCall {
            to: alice,
            amount: ETHER * U256::from(100),
        };
        send(&mut feeds.node, alice, token, U256::ZERO, &mint);
        let approve = IErc20::approveCall {
            spender: vault,
            value: U256::MAX,
        };
        send(&mut feeds.node, alice, token, U256::ZERO, &approve);
        feeds
    }

    fn deposit(&mut self, amount: U256) -> Result<deploy::Mined, TxError> {
        let call = IVault::depositAssetCall {
            asset: self.asset.token,
            amount,
            receiver: self.alice,
            minShares: U256::ZERO,
        };
        transact(&mut self.node, self.alice, self.d.vault, U256::ZERO, &call)
    }

    fn set_sequencer(&mut self, status: u64) {
        let call = IMockAggregator::setAnswerCall {
            answer: I256::from_raw(U256::from(status)),
        };
        let sequencer = self.asset.sequencer_feed;
        send(&mut self.node, self.admin, sequencer, U256::ZERO, &call);
    }

    fn shares(&mut self) -> U256 {
        let call = IErc20::balanceOfCall {
            account: self.alice,
        };
        read(&mut self.node, self.d.token, &call)
    }
}

#[test]
fn a_deposit_is_priced_by_the_feed_and_refused_while_the_sequencer_is_down() {
    let mut f = Feeds::new();
    let (token, source) = (f.asset.token, f.asset.rate_source);
    let listed = read(
        &mut f.node,
        f.d.asset_registry,
        &IAssetRegistry::assetsCall {},
    );
    assert!(listed.contains(&token), "the deployment listed {token}");
    let config = read(&mut f.node, source, &IChainlinkRateSource::configCall {});
    assert_eq!(
        (config.feed, config.sequencerFeed, config.gracePeriod),
        (f.asset.feed, f.asset.sequencer_feed, 3_600)
    );
    let rate = read(
        &mut f.node,
        source,
        &IChainlinkRateSource::latestRateCall {},
    );
    let feed_rate = ETHER * U256::from(12) / U256::from(10);
    assert_eq!(
        rate.rate, feed_rate,
        "the 18-decimal answer of 1.2, as it is"
    );

    // 10 tokens at 1.2 ETH each: 12 ETH of value on the books.
    let amount = ETHER * U256::from(10);
    let value = amount * feed_rate / ETHER;
    let expected = read(
        &mut f.node,
        f.d.vault,
        &IVault::convertToSharesCall { assets: value },
    );
    f.deposit(amount).expect("a deposit at the feed's rate");
    assert_eq!(f.shares(), expected);
    let book = read(
        &mut f.node,
        f.d.vault,
        &IVault::assetTotalsCall { asset: token },
    );
    assert_eq!(
        (book.idle, book.rate, book.value),
        (amount, feed_rate, value)
    );

    // The sequencer goes down: the adapter refuses with its typed error, the
    // registry reports the source's refusal as `InvalidRate(asset, 0, 0)`,
    // and the deposit fails whole.
    f.set_sequencer(1);
    let held = f.shares();
    let error = f.deposit(ETHER).unwrap_err();
    let refused = error
        .decode::<IAssetRegistry::InvalidRate>()
        .unwrap_or_else(|| panic!("InvalidRate, got {error}"));
    assert_eq!(
        (refused.asset, refused.rate, refused.updatedAt),
        (token, U256::ZERO, U256::ZERO)
    );
    assert_eq!(f.shares(), held, "nothing minted");
    let why = view(
        &mut f.node,
        source,
        &IChainlinkRateSource::latestRateCall {},
    )
    .unwrap_err();
    let down = why
        .decode::<IChainlinkRateSource::SequencerDown>()
        .unwrap_or_else(|| panic!("SequencerDown, got {why}"));
    assert_eq!(down.status, I256::ONE);

    // ETH deposits carry on: only this asset is blocked.
    let eth = ETHER;
    let call = IVault::depositCall {
        assets: eth,
        receiver: f.alice,
    };
    send(&mut f.node, f.alice, f.d.vault, eth, &call);

    // Back up: refused through the grace period, accepted after it.
    f.set_sequencer(0);
    let error = f.deposit(ETHER).unwrap_err();
    assert!(
        error.decode::<IAssetRegistry::InvalidRate>().is_some(),
        "{error}"
    );
    let why = view(
        &mut f.node,
        source,
        &IChainlinkRateSource::latestRateCall {},
    )
    .unwrap_err();
    let grace = why
        .decode::<IChainlinkRateSource::SequencerGracePeriod>()
        .unwrap_or_else(|| panic!("SequencerGracePeriod, got {why}"));
    assert_eq!(grace.graceEnds - grace.upSince, U256::from(3_600));
    f.node.increase_time(3_601);
    f.deposit(ETHER).expect("a deposit after the grace period");
}

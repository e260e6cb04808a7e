//! Receipts carry Nitro's extra fields (`gasUsedForL1`, `l1BlockNumber`, as
//! its go-ethereum fork's `MarshalReceipt` adds them) and still parse as
//! standard receipts.

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, U256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use devnode::{Devnode, DevnodeConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_carry_gas_used_for_l1_and_the_l1_block_number() {
    let node = Devnode::new(DevnodeConfig {
        accounts: 1,
        ..Default::default()
    });
    let server = devnode::serve(node, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let signer: PrivateKeySigner = devnode::DEV_PRIVATE_KEY.parse().unwrap();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(format!("http://{}", server.addr()).parse().unwrap());

    let transfer = TransactionRequest::default()
        .with_to(Address::repeat_byte(0x33))
        .with_value(U256::from(1));
    let receipt = provider
        .send_transaction(transfer)
        .await
        .unwrap()
        .get_receipt()
        .await
        .expect("the typed receipt still parses");
    assert!(receipt.status());

    let raw: serde_json::Value = provider
        .raw_request(
            "eth_getTransactionReceipt".into(),
            (receipt.transaction_hash,),
        )
        .await
        .unwrap();
    // No L1 pricing on the devnode: a devnet with an L1 price of 0 reports 0.
    assert_eq!(raw["gasUsedForL1"], "0x0");
    let number = receipt.block_number.unwrap();
    assert_eq!(raw["l1BlockNumber"], format!("{number:#x}"));

    let block: serde_json::Value = provider
        .raw_request("eth_getBlockReceipts".into(), (format!("{number:#x}"),))
        .await
        .unwrap();
    assert_eq!(block[0]["gasUsedForL1"], "0x0");
}

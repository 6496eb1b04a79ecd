"""Orders, payment and resources through the unmodified SDK: list_customer_orders,
show_customer_order_details, list_order_coupons_by_order_id, list_order_discounts,
pay_orders (v3), cancel_customer_order, show_refund_order_details,
list_pay_per_use_customer_resources, renewal_resources, cancel_resources_subscription,
auto_renewal_resources, cancel_auto_renewal_resources, set_resources_renew_config,
update_period_to_on_demand; and the product's order creation and authorization
extensions. Every documented error code is checked."""

import types
from decimal import Decimal

import pytest
from huaweicloudsdkbss.v2 import (
    AutoRenewalResourcesReq,
    AutoRenewalResourcesRequest,
    CancelAutoRenewalResourcesRequest,
    CancelCustomerOrderReq,
    CancelCustomerOrderRequest,
    CancelResourcesSubscriptionRequest,
    CouponSimpleInfoOrderPayV3,
    DiscountSimpleInfoV3,
    ListCustomerOrdersRequest,
    ListOrderCouponsByOrderIdRequest,
    ListOrderDiscountsRequest,
    ListPayPerUseCustomerResourcesRequest,
    PayCustomerOrderV3Req,
    PayOrdersRequest,
    PeriodToOnDemandReq,
    QueryResourcesReq,
    RenewalResourcesReq,
    RenewalResourcesRequest,
    RenewResourceConfigReq,
    SetResourcesRenewConfigRequest,
    ShowCustomerOrderDetailsRequest,
    ShowRefundOrderDetailsRequest,
    UnsubscribeResourcesReq,
    UpdatePeriodToOnDemandRequest,
)

import support
from support import BAD_PARAM, FORBIDDEN, INSUFFICIENT_BALANCE, expect_error

RESOURCE_IN_PENDING_ORDER = "CBC.99003100"
RESOURCE_NOT_FOUND = "CBC.99003016"
ORDER_IN_PROGRESS = "CBC.99003144"
BEYOND_MAXIMUM = "CBC.99003154"
ORDER_STATUS = "CBC.99003109"
NO_AUTHORIZATION = "CBC.99003110"
MARKETPLACE = "CBC.99003111"
PENDING_PAYMENT, CANCELLED, COMPLETED = 6, 4, 5
ECS = "hws.service.type.ec2"


def product(service=ECS, months=1):
    return {"cloud_service_type": service, "resource_type": "hws.resource.type.vm", "resource_spec": "s6.small.1.linux",
            "region": "cn-north-4", "period_type": 2, "period_num": months, "subscription_num": 1}


@pytest.fixture
def buyer(sp):
    """A fresh resale customer of the solution provider with 100.00 and its own key pair."""
    resp = support.create(sp)
    key = support.issue_key(resp.domain_id)
    support.allocate(sp, resp.domain_id, Decimal("100.00"))
    account = {"ak": key["ak"], "sk": key["sk"], "domain_id": resp.domain_id}
    return types.SimpleNamespace(id=resp.domain_id, account=account, client=support.make_client(key["ak"], key["sk"], resp.domain_id))


def create_order(buyer, *products):
    r = support.signed_request(buyer.account["ak"], buyer.account["sk"], buyer.id, "/v2/orders/customer-orders",
                               {"product_infos": list(products) or [product()]})
    assert r.status_code == 200, r.text
    return r.json()["order_id"]


def pay(client, order_id, coupons=(), discount=None):
    body = PayCustomerOrderV3Req(
        order_id=order_id,
        use_coupon="YES" if coupons else "NO",
        use_discount="YES" if discount else "NO",
        coupon_infos=[CouponSimpleInfoOrderPayV3(id=c, type=301) for c in coupons] or None,
        discount_infos=[DiscountSimpleInfoV3(id=discount, type=3)] if discount else None,
    )
    return client.pay_orders(PayOrdersRequest(body=body))


def resources(client, **fields):
    return client.list_pay_per_use_customer_resources(ListPayPerUseCustomerResourcesRequest(body=QueryResourcesReq(**fields)))


def renew(client, resource_ids, period_type=2, period_num=1, auto_pay=0):
    body = RenewalResourcesReq(resource_ids=resource_ids, period_type=period_type, period_num=period_num, is_auto_pay=auto_pay)
    return client.renewal_resources(RenewalResourcesRequest(body=body))


def unsubscribe(client, resource_ids, kind=1):
    body = UnsubscribeResourcesReq(resource_ids=resource_ids, unsubscribe_type=kind, unsubscribe_reason_type=5)
    return client.cancel_resources_subscription(CancelResourcesSubscriptionRequest(body=body))


def bought(buyer):
    order_id = create_order(buyer)
    pay(buyer.client, order_id)
    r = resources(buyer.client, order_id=order_id)
    assert r.total_count == 1, r
    return r.data[0].resource_id


def balance(client):
    from huaweicloudsdkbss.v2 import ShowCustomerAccountBalancesRequest

    r = client.show_customer_account_balances(ShowCustomerAccountBalancesRequest())
    return Decimal(str(r.account_balances[0].amount))


def test_order_list_details_and_payment_with_a_coupon(sp, demo, buyer):
    order_id = create_order(buyer)
    r = buyer.client.list_customer_orders(ListCustomerOrdersRequest(status=PENDING_PAYMENT))
    assert r.total_count == 1 and r.order_infos[0].order_id == order_id
    assert r.order_infos[0].order_type == 1
    d = buyer.client.show_customer_order_details(ShowCustomerOrderDetailsRequest(order_id=order_id))
    assert d.order_info.status == PENDING_PAYMENT and d.order_info.official_amount == 32.2
    assert d.order_line_items[0].period_type == 2 and d.order_line_items[0].period_num == 1
    quota = support.new_quota(demo["solution_provider"]["domain_id"])
    coupon = support.issue_coupon(sp, quota.id, buyer.id, Decimal("10.00"))
    usable = buyer.client.list_order_coupons_by_order_id(ListOrderCouponsByOrderIdRequest(order_id=order_id))
    assert [c.coupon_id for c in usable.user_coupons] == [coupon]
    assert buyer.client.list_order_discounts(ListOrderDiscountsRequest(order_id=order_id)).discounts == []
    before = balance(buyer.client)
    pay(buyer.client, order_id, coupons=[coupon])
    assert balance(buyer.client) == before - Decimal("22.20")
    d = buyer.client.show_customer_order_details(ShowCustomerOrderDetailsRequest(order_id=order_id))
    assert d.order_info.status == COMPLETED
    expect_error(400, ORDER_STATUS, pay, buyer.client, order_id)
    # The partner sees its customer's order.
    listed = sp.list_customer_orders(ListCustomerOrdersRequest(customer_id=buyer.id))
    assert [o.order_id for o in listed.order_infos] == [order_id]


def test_payment_refusals_change_nothing(buyer):
    order_id = create_order(buyer, product(months=5))
    expect_error(400, BAD_PARAM, pay, buyer.client, order_id, coupons=["a", "b", "c", "d"])
    expect_error(400, BAD_PARAM, pay, buyer.client, order_id, coupons=["a"], discount="d")
    before = balance(buyer.client)
    expect_error(400, INSUFFICIENT_BALANCE, pay, buyer.client, order_id)
    assert balance(buyer.client) == before
    d = buyer.client.show_customer_order_details(ShowCustomerOrderDetailsRequest(order_id=order_id))
    assert d.order_info.status == PENDING_PAYMENT


def test_cancel_only_pending_and_only_by_the_customer(sp, buyer):
    order_id = create_order(buyer)
    cancel = lambda c: c.cancel_customer_order(CancelCustomerOrderRequest(body=CancelCustomerOrderReq(order_id=order_id)))
    expect_error(403, FORBIDDEN, cancel, sp)
    cancel(buyer.client)
    d = buyer.client.show_customer_order_details(ShowCustomerOrderDetailsRequest(order_id=order_id))
    assert d.order_info.status == CANCELLED
    expect_error(400, ORDER_STATUS, cancel, buyer.client)
    expect_error(400, ORDER_STATUS, pay, buyer.client, order_id)


def test_partner_orders_on_behalf_only_with_authorization(demo, buyer):
    sp_account = demo["solution_provider"]
    path = "/v2/partners/sub-customers/orders"
    body = {"customer_id": buyer.id, "product_infos": [product()]}
    r = support.signed_request(sp_account["ak"], sp_account["sk"], sp_account["domain_id"], path, body)
    assert (r.status_code, r.json()["error_code"]) == (403, NO_AUTHORIZATION)
    g = support.signed_request(buyer.account["ak"], buyer.account["sk"], buyer.id, "/v2/orders/customer-orders/authorization", {})
    assert g.status_code == 200, g.text
    r = support.signed_request(sp_account["ak"], sp_account["sk"], sp_account["domain_id"], path, body)
    assert r.status_code == 200, r.text
    market = {"customer_id": buyer.id, "product_infos": [product("hws.service.type.marketplace")]}
    r = support.signed_request(sp_account["ak"], sp_account["sk"], sp_account["domain_id"], path, market)
    assert (r.status_code, r.json()["error_code"]) == (403, MARKETPLACE)
    listed = buyer.client.list_customer_orders(ListCustomerOrdersRequest())
    assert listed.order_infos[0].source_type == 2


def test_renewal_and_its_documented_errors(buyer):
    rid = bought(buyer)
    r = renew(buyer.client, [rid, "no-such-resource"])
    assert len(r.order_ids) == 1
    assert [(f.resource_id, f.error_code) for f in r.fail_resource_infos] == [("no-such-resource", RESOURCE_NOT_FOUND)]
    r = renew(buyer.client, [rid])
    assert r.fail_resource_infos[0].error_code == RESOURCE_IN_PENDING_ORDER
    expect_error(400, BAD_PARAM, renew, buyer.client, [rid], 2, 12)
    expect_error(400, BAD_PARAM, renew, buyer.client, [rid], 3, 4)
    pending = buyer.client.list_customer_orders(ListCustomerOrdersRequest(order_type="2", status=PENDING_PAYMENT)).order_infos
    assert len(pending) == 1
    buyer.client.cancel_customer_order(CancelCustomerOrderRequest(body=CancelCustomerOrderReq(order_id=pending[0].order_id)))
    assert renew(buyer.client, [rid]).order_ids, "renewable again once the pending order is gone"


def test_renewal_beyond_five_years_is_refused(sp, buyer):
    rid = bought(buyer)
    support.allocate(sp, buyer.id, Decimal("2000.00"))
    first = renew(buyer.client, [rid], 3, 3, auto_pay=1)
    assert first.order_ids and not first.fail_resource_infos
    r = renew(buyer.client, [rid], 3, 3)
    assert r.fail_resource_infos[0].error_code == BEYOND_MAXIMUM


def test_unsubscribe_refunds_and_shows_the_refund_order(buyer):
    rid = bought(buyer)
    before = balance(buyer.client)
    r = unsubscribe(buyer.client, [rid])
    assert len(r.order_ids) == 1 and not r.fail_resource_infos
    refund = buyer.client.show_refund_order_details(ShowRefundOrderDetailsRequest(order_id=r.order_ids[0]))
    # Refunded amounts are negative, as the SDK documents.
    refunded = -sum(Decimal(str(i.amount)) for i in refund.refund_infos)
    assert Decimal("31.00") < refunded <= Decimal("32.20")
    assert balance(buyer.client) == before + refunded
    again = unsubscribe(buyer.client, [rid])
    assert again.fail_resource_infos[0].error_code == RESOURCE_NOT_FOUND
    assert resources(buyer.client, resource_ids=[rid]).data[0].status == 3


def test_auto_renewal_settings_and_to_on_demand(buyer):
    rid = bought(buyer)
    buyer.client.auto_renewal_resources(AutoRenewalResourcesRequest(resource_id=rid, body=AutoRenewalResourcesReq(auto_renew_times=2, period_type="MONTH")))
    buyer.client.cancel_auto_renewal_resources(CancelAutoRenewalResourcesRequest(resource_id=rid))
    expect_error(400, RESOURCE_NOT_FOUND, buyer.client.cancel_auto_renewal_resources, CancelAutoRenewalResourcesRequest(resource_id="nope"))
    ok = buyer.client.set_resources_renew_config(SetResourcesRenewConfigRequest(body=RenewResourceConfigReq(config_name="DEDUCTION_DATE", config_value="5")))
    assert ok.error_code == "CBC.0000"
    expect_error(400, BAD_PARAM, buyer.client.set_resources_renew_config,
                 SetResourcesRenewConfigRequest(body=RenewResourceConfigReq(config_name="DEDUCTION_DATE", config_value="9")))
    r = buyer.client.update_period_to_on_demand(UpdatePeriodToOnDemandRequest(body=PeriodToOnDemandReq(operation="SET_UP", resource_ids=[rid])))
    assert not r.error_details
    blocked = renew(buyer.client, [rid])
    assert blocked.fail_resource_infos[0].error_code == ORDER_IN_PROGRESS
    assert resources(buyer.client, resource_ids=[rid]).data[0].expire_policy == 1
    r = buyer.client.update_period_to_on_demand(UpdatePeriodToOnDemandRequest(body=PeriodToOnDemandReq(operation="CANCEL", resource_ids=[rid])))
    assert not r.error_details
    assert renew(buyer.client, [rid]).order_ids


def test_partners_cannot_pay_and_customers_see_only_their_orders(sp, buyer, customer):
    order_id = create_order(buyer)
    expect_error(403, FORBIDDEN, pay, sp, order_id)
    expect_error(400, "CBC.99003108", customer.show_customer_order_details, ShowCustomerOrderDetailsRequest(order_id=order_id))
    assert customer.list_customer_orders(ListCustomerOrdersRequest(order_id=order_id)).total_count == 0


def test_renewal_inquiry_prices_the_customers_own_resources(sp, buyer):
    from huaweicloudsdkbss.v2 import ListRenewRateOnPeriodReq, ListRenewRateOnPeriodRequest

    rid = bought(buyer)
    req = ListRenewRateOnPeriodRequest(body=ListRenewRateOnPeriodReq(resource_ids=[rid, "no-such-resource"], period_type=2, period_num=1))
    r = buyer.client.list_renew_rate_on_period(req)
    assert [(i.resource_id, Decimal(str(i.amount))) for i in r.renew_inquiry_results] == [(rid, Decimal("32.20"))]
    assert [f.error_code for f in r.fail_resource_infos] == [RESOURCE_NOT_FOUND]
    # Another account's view of the same id: unknown.
    assert sp.list_renew_rate_on_period(req).fail_resource_infos[0].resource_id == rid


def test_refund_details_follow_the_sdk_model(sp, demo, buyer):
    order_id = create_order(buyer)
    quota = support.new_quota(demo["solution_provider"]["domain_id"])
    coupon = support.issue_coupon(sp, quota.id, buyer.id, Decimal("10.00"))
    pay(buyer.client, order_id, coupons=[coupon])
    rid = resources(buyer.client, order_id=order_id).data[0].resource_id
    refund_id = unsubscribe(buyer.client, [rid]).order_ids[0]
    refund = buyer.client.show_refund_order_details(ShowRefundOrderDetailsRequest(order_id=refund_id))
    assert refund.total_count == len(refund.refund_infos) == 2, "the cash part and the coupon part"
    assert len({i.id for i in refund.refund_infos}) == 2, "each record has its own id"
    for i in refund.refund_infos:
        assert Decimal(str(i.amount)) < 0, "a refund is a negative amount"
        assert i.base_order_id == order_id, "the original purchase order"
        assert (i.customer_id, i.measure_id, i.region_code) == (buyer.id, "1", "cn-north-4")
        assert (i.service_type_code, i.resource_type_code) == (ECS, "hws.resource.type.vm")
        assert (i.service_type_name, i.resource_type_name) == ("弹性云服务器", "云主机")
    # A partner names the customer whose refund it reads.
    expect_error(400, BAD_PARAM, sp.show_refund_order_details, ShowRefundOrderDetailsRequest(order_id=refund_id))
    seen = sp.show_refund_order_details(ShowRefundOrderDetailsRequest(order_id=refund_id, customer_id=buyer.id))
    assert seen.total_count == 2


def test_orders_show_service_type_names_in_the_callers_language(buyer):
    order_id = create_order(buyer)
    listed = buyer.client.list_customer_orders(ListCustomerOrdersRequest(order_id=order_id)).order_infos[0]
    assert (listed.service_type_code, listed.service_type_name) == (ECS, "弹性云服务器")
    zh = buyer.client.show_customer_order_details(ShowCustomerOrderDetailsRequest(order_id=order_id))
    assert zh.order_info.service_type_name == zh.order_line_items[0].service_type_name == "弹性云服务器"
    en = buyer.client.show_customer_order_details(ShowCustomerOrderDetailsRequest(order_id=order_id, x_language="en_US"))
    assert en.order_info.service_type_name == en.order_line_items[0].service_type_name == "Elastic Cloud Server"


def test_disks_keep_their_size_for_listing_and_renewal(buyer):
    from huaweicloudsdkbss.v2 import ListRenewRateOnPeriodReq, ListRenewRateOnPeriodRequest

    disk = {"cloud_service_type": "hws.service.type.ebs", "resource_type": "hws.resource.type.volume", "resource_spec": "SAS",
            "region": "cn-north-4", "resource_size": 40, "size_measure_id": 17, "period_type": 2, "period_num": 1, "subscription_num": 1}
    order_id = create_order(buyer, disk)
    pay(buyer.client, order_id)
    r = resources(buyer.client, order_id=order_id).data[0]
    assert (r.spec_size, r.spec_size_measure_id) == (40, 17)
    rate = buyer.client.list_renew_rate_on_period(ListRenewRateOnPeriodRequest(
        body=ListRenewRateOnPeriodReq(resource_ids=[r.resource_id, "no-such-resource"], period_type=2, period_num=1)))
    assert [(x.resource_id, x.amount) for x in rate.renew_inquiry_results] == [(r.resource_id, "14.00")]
    assert [(f.resource_id, f.error_code) for f in rate.fail_resource_infos] == [("no-such-resource", RESOURCE_NOT_FOUND)]
    renewed = renew(buyer.client, [r.resource_id])
    assert len(renewed.order_ids) == 1 and not renewed.fail_resource_infos


def test_on_demand_needs_balance_and_has_limits(sp, buyer):
    on_demand = {"cloud_service_type": ECS, "resource_type": "hws.resource.type.vm", "resource_spec": "s6.small.1.linux",
                 "region": "cn-north-4", "subscription_num": 1}
    resp = support.create(sp)
    key = support.issue_key(resp.domain_id)
    r = support.signed_request(key["ak"], key["sk"], resp.domain_id, "/v2/orders/customer-orders", {"product_infos": [on_demand]})
    assert r.status_code == 400 and r.json()["error_code"] == "CBC.99003180", r.text
    too_many = dict(on_demand, subscription_num=100_000)
    r = support.signed_request(buyer.account["ak"], buyer.account["sk"], buyer.id, "/v2/orders/customer-orders", {"product_infos": [too_many]})
    assert r.status_code == 400 and r.json()["error_code"] == "CBC.99003181", r.text
    assert buyer.client.list_customer_orders(ListCustomerOrdersRequest()).total_count == 0
    assert create_order(buyer, on_demand)

"""The small valid input file fuzz_h5_validate mutates: every part of the schema (io/schema.hpp,
docs/schema.md) with a few rows each, contiguous datasets (so each value sits at a fixed file
offset). 6 customers, 12 orders, 20 items, 4 products, 5 surveys."""
import h5py
import numpy as np


def write(path):
    cust = np.array([3, 5, 8, 13, 21, 34], "u8")
    per = [1, 3, 2, 1, 4, 1]  # orders per customer
    off = np.concatenate([[0], np.cumsum(per)]).astype("u8")
    ocust = np.repeat(cust, per)
    day = np.array([10000, 10001, 10010, 10200, 10050, 10060, 10300, 10400, 10401, 10500, 10600, 10700], "i4")
    items_per = [1, 2, 1, 3, 1, 2, 2, 1, 2, 1, 3, 1]
    ioff = np.concatenate([[0], np.cumsum(items_per)]).astype("u8")
    s = h5py.string_dtype()
    with h5py.File(path, "w") as f:
        f.attrs["schema_version"] = np.int64(1)
        f.attrs["as_of_day"] = np.int32(10800)
        f.attrs["currency"] = "USD"
        c = f.create_group("customers")
        c["customer_id"] = cust
        c["order_offset"] = off
        c["signup_day"] = np.array([9990, 10001, 10050, 10200, 10300, 10700], "i4")
        c["region"] = np.array([0, 1, 2, 0, 1, 2], "u2")
        c["acquisition_channel"] = np.array([0, 1, 0, 1, 0, 1], "u1")
        c["age_band"] = np.array([0, 1, 2, 0, 1, 2], "u1")
        c["gender"] = np.array([0, 1, 0, 1, 0, 1], "u1")
        o = f.create_group("orders")
        o["order_id"] = np.arange(100, 112, dtype="u8")
        o["customer_id"] = ocust
        o["day"] = day
        o["amount_cents"] = np.array([1250, 0, 399, 100000, 75, 860, 1999, 2500, 10, 4400, 3000, 120], "i8")
        o["channel"] = np.array([0, 1, 1, 0, 2, 0, 1, 2, 0, 1, 0, 2], "u1")
        o["item_offset"] = ioff
        i = f.create_group("items")
        i["product_id"] = np.array([0, 1, 2, 0, 0, 1, 3, 2, 0, 3, 1, 2, 0, 1, 3, 0, 1, 2, 3, 2], "u4")
        i["quantity"] = np.array([1, 2, 1, 1, 3, 1, 1, 2, 1, 1, 5, 1, 1, 1, 2, 1, 1, 1, 4, 1], "u4")
        f.create_group("products")["category"] = np.array([0, 1, 1, 0], "u2")
        v = f.create_group("surveys")
        v["customer_id"] = np.array([3, 5, 5, 21, 34], "u8")
        v["day"] = np.array([10010, 10020, 10300, 10600, 10750], "i4")
        v["score"] = np.array([9, 10, 3, 7, 0], "u1")
        d = f.create_group("dictionaries")
        for name, values in (("region", ["north", "south", "west"]), ("acquisition_channel", ["ads", "search"]),
                             ("age_band", ["18-34", "35-54", "55+"]), ("gender", ["f", "m"]),
                             ("order_channel", ["app", "store", "web"]), ("category", ["books", "music"])):
            d.create_dataset(name, data=np.array(values, dtype=object), dtype=s)

#!/usr/bin/python3
"""Independent re-computation of the generator values pinned in tests/unit/generate.

A second implementation, in Python, of the published algorithms the generator documents
(kernels/generate/*.hpp headers), written from those algorithms and the documented draw order,
not linked to or derived from the C++ binaries:
  splitmix64        Steele, Lea & Flood (2014); Vigna's reference splitmix64.c
  xoshiro256**      Blackman & Vigna (2018), reference xoshiro256starstar.c, seeded by 4 splitmix64 steps
  integers below n  Lemire (2019), multiply-shift with rejection
  normal            Marsaglia polar method (second variate discarded)
  gamma             Marsaglia & Tsang (2000); shape < 1 by Gamma(shape+1) * U^(1/shape) in logs
  alias table       Vose (1991)
plus the catalog and customer draw order described in kernels/generate/{catalog,customer}.hpp.
Python's float arithmetic and math.log/exp/sqrt/pow call the same C libm as the C++ code, so
results agree bit for bit where the algorithms are the same.

Run: /usr/bin/python3 tests/unit/generate/reference_generator.py
Prints the RNG pins (test_distributions.cpp) and the pinned default record for seed 42,
customer index 3 (test_customer.cpp), the closed-form BG/NBD mean number of orders of the
default population (test_customer.cpp, scipy.special.hyp2f1), and for --personas
(test_personas.cpp) the persona counts of indices 0..9999 and the record of the first customer
of each persona, seed 42.
"""
import math

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix64(z):
    z = (z + GOLDEN) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Rng:
    def __init__(self, key):
        self.s = []
        for _ in range(4):
            key = (key + GOLDEN) & M64
            self.s.append(mix64(key))

    @staticmethod
    def for_stream(seed, index, stream):
        return Rng(mix64(mix64(mix64(seed) ^ index) ^ stream))

    @staticmethod
    def for_catalog(seed, stream):
        return Rng(mix64(mix64(seed ^ 0xC0FFEE0DDF00D) ^ stream))

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53

    def uniform_pos(self):
        return ((self.next() >> 11) + 1) * 2.0 ** -53

    def below(self, n):
        m = self.next() * n
        low = m & M64
        if low < n:
            threshold = ((1 << 64) - n) % n
            while low < threshold:
                m = self.next() * n
                low = m & M64
        return m >> 64


# Stream ids (kernels/generate/rng.hpp)
TRAITS, PURCHASES, SPEND, BASKETS, SURVEY, PERSONA, PURCHASE_DAYS = 1, 2, 3, 4, 5, 6, 7
CAT_CATEGORIES, CAT_POPULARITY, CAT_FAVOURITES, CAT_RULES = 101, 102, 103, 104


def standard_normal(rng):
    while True:
        u = 2.0 * rng.uniform() - 1.0
        v = 2.0 * rng.uniform() - 1.0
        s = u * u + v * v
        if 0.0 < s < 1.0:
            return u * math.sqrt(-2.0 * math.log(s) / s)


def gamma_shape_ge1(rng, shape):
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        while True:
            x = standard_normal(rng)
            v = 1.0 + c * x
            if v > 0.0:
                break
        v = v * v * v
        u = rng.uniform_pos()
        x2 = x * x
        if u < 1.0 - 0.0331 * x2 * x2:
            return d * v
        if math.log(u) < 0.5 * x2 + d * (1.0 - v + math.log(v)):
            return d * v


def log_gamma_variate(rng, shape):
    if shape >= 1.0:
        return math.log(gamma_shape_ge1(rng, shape))
    g = gamma_shape_ge1(rng, shape + 1.0)
    return math.log(g) + math.log(rng.uniform_pos()) / shape


def gamma(rng, shape, rate):
    if shape >= 1.0:
        return gamma_shape_ge1(rng, shape) / rate
    return math.exp(log_gamma_variate(rng, shape)) / rate


def beta(rng, a, b):
    lx = log_gamma_variate(rng, a)
    ly = log_gamma_variate(rng, b)
    return 1.0 / (1.0 + math.exp(ly - lx))


def poisson(rng, mean):
    base = 0
    while mean > 30.0:
        m, u = 30.0, rng.uniform()
        pk = math.exp(-m)
        cdf, k = pk, 0
        while u >= cdf and k < 1000:
            k += 1
            pk *= m / k
            cdf += pk
        base += k
        mean -= 30.0
    u = rng.uniform()
    pk = math.exp(-mean)
    cdf, k = pk, 0
    while u >= cdf and k < 1000:
        k += 1
        pk *= mean / k
        cdf += pk
    return base + k


def geometric(rng, p):
    if p >= 1.0:
        return 0
    k = math.floor(math.log(rng.uniform_pos()) / math.log1p(-p))
    return 4000000000 if k >= 4.0e9 else int(k)


def categorical(rng, weights):
    total = 0.0
    for w in weights:
        total += w
    x = rng.uniform() * total
    for i in range(len(weights) - 1):
        if x < weights[i]:
            return i
        x -= weights[i]
    return len(weights) - 1


class AliasTable:
    def __init__(self, weights):
        n = len(weights)
        total = 0.0
        for w in weights:
            total += w
        self.prob, self.alias = [0.0] * n, [0] * n
        scaled, small, large = [], [], []
        for i, w in enumerate(weights):
            scaled.append((w / total) * float(n))
            (small if scaled[i] < 1.0 else large).append(i)
        while small and large:
            s = small.pop()
            l = large[-1]
            self.prob[s], self.alias[s] = scaled[s], l
            scaled[l] = (scaled[l] + scaled[s]) - 1.0
            if scaled[l] < 1.0:
                large.pop()
                small.append(l)
        for rest in (large, small):
            for i in rest:
                self.prob[i], self.alias[i] = 1.0, i

    def sample(self, rng):
        x = rng.uniform() * float(len(self.prob))
        column = min(int(x), len(self.prob) - 1)
        return column if (x - column) < self.prob[column] else self.alias[column]


# Defaults (kernels/generate/params.hpp)
P = dict(as_of_day=20726, history_days=1095, r=1.0, alpha=3.0, a=1.2, b=10.0, max_orders=5000, spend_p=6.0,
         spend_q=4.0, spend_gamma=15.0, n_groups=4, n_products=2000, n_categories=20, zipf=1.1, boost=4.0,
         basket_extra=2.5, max_basket=32, quantity_stop=0.8, n_rules=12, rule_prob=0.6, survey_fraction=0.05)

# kernels/generate/group_profiles.hpp, canonical groups 0..3:
# region, acquisition channel, age band, gender, order channel, NPS weights, basket size factor.
PROFILES = [
    ([30, 10, 10, 25, 20, 5], [20, 55, 5, 20], [5, 30, 35, 20, 7, 3], [60, 35, 5], [15, 70, 5, 10], 1.2),
    ([10, 30, 25, 10, 15, 10], [25, 15, 50, 10], [35, 35, 15, 8, 5, 2], [35, 55, 10], [20, 15, 60, 5], 1.0),
    ([15, 10, 10, 15, 15, 35], [50, 10, 10, 30], [2, 8, 20, 30, 25, 15], [30, 65, 5], [55, 10, 5, 30], 0.7),
    ([10, 25, 30, 10, 20, 5], [20, 10, 30, 40], [10, 15, 15, 20, 20, 20], [50, 40, 10], [25, 5, 25, 45], 0.8),
]


# kernels/generate/personas.hpp, personas 0..4, as documented in docs/generate.md ("Personas"):
# name, weight, BG/NBD (r, alpha, a, b), Gamma-Gamma (p, q, gamma), signup window (from, to),
# favourite-category boost, order-channel weights, basket size factor. Demographics are not
# needed: they come last in the traits stream and no pinned value depends on them.
PERSONAS = [
    ("weekly loyal", 0.20, (16.0, 16.0, 1.0, 499.0), (8.0, 30.0, 87.0), (0.0, 0.75), 1.5, [3, 92, 3, 2], 1.6),
    ("monthly regular", 0.30, (16.0, 64.0, 1.0, 149.0), (8.0, 30.0, 217.5), (0.0, 0.75), 4.0, [92, 4, 2, 2], 1.0),
    ("one-off bargain hunter", 0.25, (1.0, 500.0, 9.0, 1.0), (8.0, 30.0, 43.5), (0.0, 0.85), 12.0, [1, 1, 97, 1],
     0.3),
    ("lapsed big spender", 0.10, (16.0, 32.0, 30.0, 70.0), (8.0, 30.0, 906.25), (0.0, 0.6), 6.0, [4, 2, 2, 92],
     0.6),
    ("new enthusiast", 0.15, (16.0, 16.0, 1.0, 199.0), (8.0, 30.0, 145.0), (0.92, 1.0), 3.0, [30, 62, 4, 4], 1.3),
]


def permutation(n, rng):
    perm = list(range(n))
    for i in range(n, 1, -1):
        j = rng.below(i)
        perm[i - 1], perm[j] = perm[j], perm[i - 1]
    return perm


class Catalog:
    def __init__(self, seed, personas=False):
        n, ncat = P["n_products"], P["n_categories"]
        rng = Rng.for_catalog(seed, CAT_CATEGORIES)
        perm = permutation(n, rng)
        self.category = [0] * n
        for i in range(n):
            self.category[perm[i]] = i if i < ncat else rng.below(ncat)
        rng = Rng.for_catalog(seed, CAT_POPULARITY)
        self.by_rank = permutation(n, rng)
        base = [0.0] * n
        for k in range(n):
            base[self.by_rank[k]] = math.pow(k + 1.0, -P["zipf"])
        rng = Rng.for_catalog(seed, CAT_FAVOURITES)
        self.tables = []
        self.favourites = []
        for g in range(len(PERSONAS) if personas else P["n_groups"]):
            boost = PERSONAS[g][5] if personas else P["boost"]
            wanted = min(2 + rng.below(2), ncat)
            fav = []
            while len(fav) < wanted:
                c = rng.below(ncat)
                if c not in fav:
                    fav.append(c)
            self.favourites.append(fav)
            self.tables.append(AliasTable([base[i] * boost if self.category[i] in fav else base[i]
                                           for i in range(n)]))
        rng = Rng.for_catalog(seed, CAT_RULES)
        nr = P["n_rules"]
        n_pairs = sum(1 for i in range(nr) if i % 3 == 2)
        next_pair, next_single = 0, 2 * n_pairs
        first_free = 2 * n_pairs + (nr - n_pairs)
        used = [False] * n
        self.rules = []
        for i in range(nr):
            if i % 3 == 2:
                ante = [self.by_rank[next_pair], self.by_rank[next_pair + 1]]
                next_pair += 2
            else:
                ante = [self.by_rank[next_single]]
                next_single += 1
            for a in ante:
                used[a] = True
            self.rules.append({"ante": ante})
        for rule in self.rules:
            while True:
                product = self.by_rank[first_free + rng.below(n - first_free)]
                if not used[product]:
                    break
            used[product] = True
            rule["consequent"] = product
        self.rule_by_first = {rule["ante"][0]: i for i, rule in enumerate(self.rules)}


def draw_basket(cat, table, extra_mean, rng, items):
    begin = len(items)
    target = min(1 + poisson(rng, extra_mean), P["max_basket"])
    attempt = 0
    while attempt < 20 * target + 100 and len(items) - begin < target:
        attempt += 1
        product = table.sample(rng)
        if any(it[0] == product for it in items[begin:]):
            continue
        items.append((product, 1 + geometric(rng, P["quantity_stop"])))
    drawn_end = len(items)
    for k in range(begin, drawn_end):
        r = cat.rule_by_first.get(items[k][0])
        if r is None:
            continue
        rule = cat.rules[r]
        in_basket = lambda p: any(it[0] == p for it in items[begin:])
        if len(rule["ante"]) == 2 and not in_basket(rule["ante"][1]):
            continue
        if rng.uniform() < P["rule_prob"] and not in_basket(rule["consequent"]):
            items.append((rule["consequent"], 1 + geometric(rng, P["quantity_stop"])))
    return len(items) - begin


def customer_id_of(index):
    return 1000000 + 3 * index + mix64(index ^ 0x5EEDC0DE) % 3


def round_half_away(v):
    return int(math.copysign(math.floor(abs(v) + 0.5), v))


def persona_of(seed, index):
    """The persona: one categorical draw with the mixture weights from the persona stream."""
    return categorical(Rng.for_stream(seed, index, PERSONA), [p[1] for p in PERSONAS])


def generate_customer(cat, seed, index, personas=False):
    rng = Rng.for_stream(seed, index, TRAITS)
    first_possible = P["as_of_day"] - P["history_days"] + 1
    spend_p = P["spend_p"]
    if personas:
        group = persona_of(seed, index)
        _, _, (r, alpha, a, b), (spend_p, q, gam), (lo_share, hi_share), _, order_channel, basket_factor = \
            PERSONAS[group]
        lo = math.floor(lo_share * P["history_days"])
        hi = max(lo + 1, math.floor(hi_share * P["history_days"]))
        signup = first_possible + lo + rng.below(hi - lo)
        lam = gamma(rng, r, alpha)
        p_drop = beta(rng, a, b)
        nu = gamma(rng, q, gam)
    else:
        signup = first_possible + rng.below(P["history_days"])
        lam = gamma(rng, P["r"], P["alpha"])
        p_drop = beta(rng, P["a"], P["b"])
        nu = gamma(rng, P["spend_q"], P["spend_gamma"])
        occasional = 0 if lam > P["r"] / P["alpha"] else 1
        low_spend = 0 if nu < P["spend_q"] / P["spend_gamma"] else 1
        group = 2 * occasional + low_spend  # n_groups = 4: the canonical group
        region, acq, age, gender, order_channel, basket_factor = PROFILES[group]
        for w in (region, acq, age, gender):
            categorical(rng, w)  # demographics continue the traits stream
    spend_rng, basket_rng = Rng.for_stream(seed, index, SPEND), Rng.for_stream(seed, index, BASKETS)
    table, extra = cat.tables[group], P["basket_extra"] * basket_factor
    channels = [0] * len(order_channel)
    orders, items = [], []

    def on_order(day):
        z = gamma(spend_rng, spend_p, nu)
        amount = max(1, round_half_away(z * 100.0))
        channels[categorical(spend_rng, order_channel)] += 1
        n_items = draw_basket(cat, table, extra, basket_rng, items)
        orders.append((day, amount, n_items))

    on_order(signup)
    # Repeats over T = (as_of - signup) / 7 weeks, then laid out on days of their own
    # (docs/generate.md, "Purchase days"): the last on 7 t_x rounded down or up with probability
    # its fraction, within [x, D]; the earlier ones a uniform sample of distinct days before it.
    window_days = P["as_of_day"] - signup
    if window_days >= 1:
        prng = Rng.for_stream(seed, index, PURCHASES)
        n, t, last_weeks = 0, 0.0, 0.0
        while lam > 0.0 and n < min(P["max_orders"] - 1, window_days):
            t += -math.log(prng.uniform_pos()) / lam
            if not (t < window_days / 7.0):
                break
            last_weeks = t
            n += 1
            if prng.uniform() < p_drop:
                break
        if n > 0:
            drng = Rng.for_stream(seed, index, PURCHASE_DAYS)
            exact = last_weeks * 7.0
            last = math.floor(exact) + (1 if drng.uniform() < exact - math.floor(exact) else 0)
            last = min(max(last, n), window_days)
            earlier = set()  # Floyd's sampling of n - 1 distinct days from 1 .. last - 1
            for j in range(last - 1 - (n - 1) + 1, last):
                d = 1 + drng.below(j)
                earlier.add(j if d in earlier else d)
            for d in sorted(earlier):
                on_order(signup + d)
            on_order(signup + last)
    record = dict(customer_id=customer_id_of(index), signup_day=signup, group=group, orders=len(orders),
                  items=len(items), first_amount_cents=orders[0][1], last_order_day=orders[-1][0])
    if personas:
        record["orders_per_channel"] = channels
    return record


def bgnbd_mean_orders():
    """1 + E[X(T)] (Fader, Hardie & Lee 2005, eq. 9) averaged over T = k/7 weeks, k = 0..1094 days
    (as_of - signup): the default population's mean number of orders (first order + repeats)."""
    from scipy.special import hyp2f1
    r, alpha, a, b = P["r"], P["alpha"], P["a"], P["b"]
    total = 0.0
    for k in range(0, P["history_days"]):
        t = k / 7.0
        total += (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
    return 1.0 + total / P["history_days"]


if __name__ == "__main__":
    print("# test_distributions.cpp GenerateRng.KnownFirstOutputPinsThePortableStream")
    print(f"mix64(0) = 0x{mix64(0):016X}")
    print(f"Rng(0).next() = 0x{Rng(0).next():016X}")
    print(f"Rng::for_stream(42, 7, kTraits).next() = 0x{Rng.for_stream(42, 7, TRAITS).next():016X}")
    print("# test_customer.cpp GenerateCustomer.PinnedRecordForSeed42 (defaults, catalog seed 42, index 3)")
    for k, v in generate_customer(Catalog(42), 42, 3).items():
        print(f"{k} = {v}")
    print("# test_customer.cpp GeneratePopulation.RepeatPurchasesMatchBgNbdGivenLatents")
    print(f"mean orders per customer = {bgnbd_mean_orders():.6f}")
    print("# test_personas.cpp GeneratePersonas.PinnedCountsForSeed42 (personas of indices 0..9999)")
    counts = [0] * len(PERSONAS)
    for i in range(10000):
        counts[persona_of(42, i)] += 1
    print(f"persona counts = {counts}")
    print("# test_personas.cpp GeneratePersonas.PinnedRecordsForSeed42 (catalog seed 42, first index of each persona)")
    cat = Catalog(42, personas=True)
    print(f"favourite categories = {cat.favourites}")
    for k in range(len(PERSONAS)):
        index = next(i for i in range(10000) if persona_of(42, i) == k)
        print(f"index {index}: {generate_customer(cat, 42, index, personas=True)}")

# ept sources

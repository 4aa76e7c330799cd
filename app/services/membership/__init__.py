"""The chamber's services to its members: who may ask for what, quotes, fee schedules, refusals, fulfilment."""

"""What to sell next: products bought together (`baskets`), first-order products that bring customers back
(`gateways`), and the next best product for each customer (`recommend`, chosen by the `backtest`)."""

"""IoT Lab board simulator: lab boards that speak the IoT Lab wire contract."""

app_name = "trophies"

urlpatterns: list = []

DROP TABLE ordering_kitchen_load;
